import fs from 'node:fs';
import path from 'node:path';

/** The app's entry files: package.json `main`, which may hold one `*` wildcard in its file name (e.g. dist/functions/*.js). */
export function functionEntryFiles(appRoot: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { main?: string };
  if (!pkg.main) throw new Error('package.json has no "main": point it at the compiled functions, e.g. dist/functions/*.js');
  const pattern = path.join(appRoot, pkg.main);
  if (!pattern.includes('*')) return [pattern];
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  if (dir.includes('*')) throw new Error(`package.json "main" may use * only in the file name, got ${pkg.main}`);
  const re = new RegExp(`^${base.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  if (!fs.existsSync(dir)) throw new Error(`${path.relative(appRoot, dir)} does not exist: build the app first (npm run build)`);
  return fs.readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => path.join(dir, f));
}

export function loadFunctionApp(appRoot: string): string[] {
  const files = functionEntryFiles(appRoot);
  for (const file of files) require(file);
  return files;
}
