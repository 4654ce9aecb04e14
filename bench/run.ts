// `npm run bench -- <name> [args]`: runs bench/<name>.ts; its last output line is a JSON object of figures.
import path from 'node:path';
import fs from 'node:fs';
import { CliUsageError, command, runCommand } from '../tools/cli/commandLine';

const available = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.js') && f !== 'run.js')
  .map((f) => path.basename(f, '.js'));

const BENCH_COMMAND = command({
  usage: 'npm run bench -- <name> [args]',
  options: {},
  positionals: [{ name: 'name', help: available.join(', ') }],
  notes: "The arguments after the name are the bench's own (see the head of bench/<name>.ts).\nThe last line printed is a JSON object of figures.",
});

// Only the name is this command's; everything after it goes to the bench unread.
const [first, ...rest] = process.argv.slice(2);
void runCommand(BENCH_COMMAND, async (_options, [name]) => {
  if (!name || !available.includes(name)) throw new CliUsageError(name ? `no bench named "${name}"` : 'name a bench');
  const bench = require(path.join(__dirname, name)) as { run(args: string[]): Promise<Record<string, unknown>> };
  const figures = await bench.run(rest);
  console.log(JSON.stringify(figures));
}, { argv: first === undefined ? [] : [first] });
