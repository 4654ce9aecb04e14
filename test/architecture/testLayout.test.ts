// test/ mirrors the code: test/<folder> tests src/<folder>, test/tools/<folder> tests
// tools/<folder>; test/system (the whole app through the local host) and test/architecture
// (rules over the repository) are the only folders of their own.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const CROSS_CUTTING = ['architecture', 'system'];

/** Code folders without a test folder of their own, and where their tests are instead. */
const TESTED_ELSEWHERE: Record<string, string> = {
  'tools/reliability': 'the chaos and soak drivers run by hand (docs/RELIABILITY.md); their probes are exercised by test/system',
};

const dirs = (rel: string) =>
  fs.existsSync(path.join(ROOT, rel)) ? fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];

describe('test layout', () => {
  it('has a test folder for every folder of src/ and tools/', () => {
    const code = [...dirs('src').map((d) => `src/${d}`), ...dirs('tools').map((d) => `tools/${d}`)];
    const testFolderOf = (folder: string) => (folder.startsWith('src/') ? `test/${folder.slice(4)}` : `test/${folder}`);
    const missing = code.filter((folder) => !(folder in TESTED_ELSEWHERE) && !fs.existsSync(path.join(ROOT, testFolderOf(folder))));
    expect(missing).toEqual([]);
  });

  it('has no test folder that mirrors nothing', () => {
    const orphans = [
      ...dirs('test').filter((d) => d !== 'tools' && !CROSS_CUTTING.includes(d) && !fs.existsSync(path.join(ROOT, 'src', d))).map((d) => `test/${d}`),
      ...dirs('test/tools').filter((d) => !fs.existsSync(path.join(ROOT, 'tools', d))).map((d) => `test/tools/${d}`),
    ];
    expect(orphans).toEqual([]);
  });

  it('keeps every test file under a mirrored or cross-cutting folder', () => {
    const loose = fs.readdirSync(path.join(ROOT, 'test')).filter((f) => f.endsWith('.ts'));
    expect(loose).toEqual([]);
  });
});
