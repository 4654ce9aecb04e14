// Shared helpers for the infra tests: where things are, and broken copies of infra/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultTypesDir } from '../../../tools/bicep/validateInfra';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const infraDir = path.join(repoRoot, 'infra');
export const typesDir = defaultTypesDir(repoRoot);

export interface Edit {
  file: string;
  find: string | RegExp;
  replace: string;
}

/** Copies infra/ to a temp folder and applies edits; an edit whose text is absent throws. */
export function brokenCopy(...edits: Edit[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-broken-'));
  fs.cpSync(infraDir, dir, { recursive: true });
  for (const edit of edits) {
    const file = path.join(dir, edit.file);
    const text = fs.readFileSync(file, 'utf8');
    const found = typeof edit.find === 'string' ? text.includes(edit.find) : edit.find.test(text);
    if (!found) throw new Error(`fixture edit: ${String(edit.find)} not found in ${edit.file}`);
    fs.writeFileSync(file, text.replace(edit.find, edit.replace));
  }
  return dir;
}
