// `npm run bench -- <name>`: runs bench/<name>.ts; its last output line is a JSON object of figures.
import path from 'node:path';
import fs from 'node:fs';

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const available = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && f !== 'run.js')
    .map((f) => path.basename(f, '.js'));
  if (!name || !available.includes(name)) {
    console.error(`usage: npm run bench -- <name> [args]   (names: ${available.join(', ')})`);
    process.exit(2);
  }
  const bench = require(path.join(__dirname, name)) as { run(args: string[]): Promise<Record<string, unknown>> };
  const figures = await bench.run(args);
  console.log(JSON.stringify(figures));
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
