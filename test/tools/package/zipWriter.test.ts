import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listZip, readZipEntry } from '../../../tools/package/zipReader';
import { writeZip } from '../../../tools/package/zipWriter';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function file(name: string, content: Buffer | string, mode = 0o644): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  fs.chmodSync(p, mode);
  return p;
}

function hasUnzip(): boolean {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('writeZip', () => {
  it('round-trips compressible, incompressible, empty and executable files', () => {
    const text = 'hello zip\n'.repeat(1000);
    const random = crypto.randomBytes(50_000);
    const inputs = [
      { name: 'host.json', sourcePath: file('a.txt', text) },
      { name: 'node_modules/x/bin/run.sh', sourcePath: file('b.sh', '#!/bin/sh\necho hi\n', 0o755) },
      { name: 'dist/random.bin', sourcePath: file('c.bin', random) },
      { name: 'dist/empty.txt', sourcePath: file('d.txt', '') },
      { name: 'dist/ünïcode.js', sourcePath: file('e.js', 'module.exports = 1;') },
    ];
    const out = path.join(tmp, 'out.zip');
    const summary = writeZip(out, inputs);
    expect(summary.entries).toBe(5);
    expect(summary.bytes).toBe(fs.statSync(out).size);
    expect(summary.bytes).toBeLessThan(text.length + random.length); // text was deflated

    const entries = listZip(out);
    expect(entries.map((e) => e.name)).toEqual(inputs.map((i) => i.name));
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('host.json')!.method).toBe(8);
    expect(byName.get('dist/random.bin')!.method).toBe(0); // stored: deflate would grow it
    expect(byName.get('node_modules/x/bin/run.sh')!.mode & 0o777).toBe(0o755);
    expect(readZipEntry(out, byName.get('host.json')!).toString()).toBe(text);
    expect(readZipEntry(out, byName.get('dist/random.bin')!).equals(random)).toBe(true);
    expect(readZipEntry(out, byName.get('dist/empty.txt')!).length).toBe(0);

    if (hasUnzip()) {
      // An independent implementation agrees the archive and every CRC are valid.
      expect(execFileSync('unzip', ['-tq', out]).toString()).toMatch(/No errors detected/);
    }
  });

  it('is deterministic for the same input', () => {
    const inputs = [{ name: 'a.txt', sourcePath: file('same.txt', 'same') }];
    writeZip(path.join(tmp, 'one.zip'), inputs);
    writeZip(path.join(tmp, 'two.zip'), inputs);
    expect(fs.readFileSync(path.join(tmp, 'one.zip')).equals(fs.readFileSync(path.join(tmp, 'two.zip')))).toBe(true);
  });

  it('rejects unsafe and duplicate entry names', () => {
    const source = file('x.txt', 'x');
    expect(() => writeZip(path.join(tmp, 'bad1.zip'), [{ name: '../evil', sourcePath: source }])).toThrow(/invalid entry name "..\/evil"/);
    expect(() => writeZip(path.join(tmp, 'bad2.zip'), [{ name: '/abs', sourcePath: source }])).toThrow(/invalid entry name/);
    expect(() =>
      writeZip(path.join(tmp, 'bad3.zip'), [
        { name: 'a', sourcePath: source },
        { name: 'a', sourcePath: source },
      ]),
    ).toThrow(/duplicate entry "a"/);
  });

  it('reports a file that is not a zip', () => {
    expect(() => listZip(file('not.zip', 'plain text'))).toThrow(/not a zip file/);
  });
});
