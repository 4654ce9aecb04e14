// The emulator's storage structures and CLI in isolation: the ordered index against a reference
// model (random inserts/deletes, ranges, counts, cursors under modification) and flag parsing.
import { describe, expect, it } from 'vitest';
import { SortedList, compareKeys } from '../../../../tools/emulators/cosmos/store/sortedList';
import { PathIndex } from '../../../../tools/emulators/cosmos/store/pathIndex';
import { parseEmulatorOptions as parseCli } from '../../../../tools/emulators/cosmos/emulatorOptions';
import type { DocEntry } from '../../../../tools/emulators/cosmos/store/docEntry';

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Entry = { k: any; s: number };
const order = (a: Entry, b: Entry) => compareKeys(a.k, b.k) || a.s - b.s;

describe('SortedList (two-level B-tree)', () => {
  it('matches a sorted-array model through random inserts, deletes, ranges and counts', () => {
    const random = rng(1);
    const list = new SortedList<number>();
    let model: Entry[] = [];
    const keyOf = () => {
      const r = random();
      return r < 0.4 ? Math.floor(random() * 50) : r < 0.8 ? `s${Math.floor(random() * 50)}` : r < 0.9 ? [Math.floor(random() * 3)] : r < 0.95 ? null : random() < 0.5;
    };
    let seq = 0;
    for (let step = 0; step < 20_000; step++) {
      if (model.length === 0 || random() < 0.6) {
        const e = { k: keyOf(), s: seq++ };
        list.insert(e.k, e.s, e.s);
        model.push(e);
      } else {
        const victim = model.splice(Math.floor(random() * model.length), 1)[0];
        expect(list.delete(victim.k, victim.s)).toBe(true);
      }
      if (step % 2000 === 0) {
        model.sort(order);
        expect([...list.range(undefined, true, undefined, true)]).toEqual(model.map((e) => e.s));
        expect([...list.range(undefined, true, undefined, true, true)]).toEqual(model.map((e) => e.s).reverse());
      }
    }
    model.sort(order);
    expect(list.size).toBe(model.length);
    expect(list.delete('absent', -1)).toBe(false);
    for (const [lo, li, hi, hiInc] of [
      [10, true, 20, false],
      [10, false, 20, true],
      ['s1', true, 's3', true],
      [undefined, true, 5, false],
      ['s4', false, undefined, true],
      [25, true, 25, true],
    ] as const) {
      const expected = model.filter(
        (e) =>
          (lo === undefined || (li ? compareKeys(e.k, lo) >= 0 : compareKeys(e.k, lo) > 0)) &&
          (hi === undefined || (hiInc ? compareKeys(e.k, hi) <= 0 : compareKeys(e.k, hi) < 0)),
      );
      expect([...list.range(lo, li, hi, hiInc)]).toEqual(expected.map((e) => e.s));
      expect([...list.range(lo, li, hi, hiInc, true)]).toEqual(expected.map((e) => e.s).reverse());
      expect(list.countRange(lo, li, hi, hiInc)).toBe(expected.length);
    }
  });

  it('cursors neither repeat nor skip entries that stay while the list changes under them', () => {
    for (const descending of [false, true]) {
      const list = new SortedList<number>();
      for (let i = 0; i < 5000; i++) list.insert(i % 100, i, i);
      const stable = new Set(Array.from({ length: 5000 }, (_, i) => i).filter((i) => i % 3 !== 0));
      const seen: number[] = [];
      let extra = 10_000;
      for (const item of list.range(undefined, true, undefined, true, descending)) {
        seen.push(item);
        // Delete some (never the stable ones), add new ones everywhere.
        if (seen.length % 7 === 0) {
          for (let j = 0; j < 3; j++) {
            const victim = (seen.length * 31 + j * 97) % 5000;
            if (victim % 3 === 0) list.delete(victim % 100, victim);
          }
          list.insert(extra % 100, extra, extra);
          extra++;
        }
      }
      expect(new Set(seen).size).toBe(seen.length);
      for (const s of stable) expect(seen).toContain(s);
    }
  });
});

describe('PathIndex', () => {
  const entry = (seq: number, doc: Record<string, unknown>): DocEntry => ({ id: `d${seq}`, pk: '["p"]', doc, seq, lsn: seq, tsMs: 0, expiresAt: undefined });

  it('answers equality, IN and ranges, counts documents without the property', () => {
    const index = new PathIndex(['a', 'b']);
    const docs = [entry(1, { a: { b: 5 } }), entry(2, { a: { b: 'x' } }), entry(3, { a: {} }), entry(4, { a: { b: 5 } }), entry(5, { a: { b: 7 } })];
    for (const d of docs) index.add(d);
    expect(index.undefinedCount).toBe(1);
    expect([...index.equal([5])].map((e) => e.seq)).toEqual([1, 4]);
    expect(index.countEqual([5, 7, 5])).toBe(3);
    expect([...index.equal([7, 5, 'x'])].map((e) => e.seq)).toEqual([1, 4, 5, 2]);
    expect([...index.range(5, false, undefined, true, false)].map((e) => e.seq)).toEqual([5, 2]);
    index.remove(docs[0]);
    expect([...index.equal([5])].map((e) => e.seq)).toEqual([4]);
    index.remove(docs[2]);
    expect(index.undefinedCount).toBe(0);
  });
});

describe('CLI flags', () => {
  it('parses the same flags as the stand-in and names the flag in errors', () => {
    expect(parseCli(['--data-dir', 'd'])).toEqual({ dataDir: 'd', port: 8081, host: '127.0.0.1', fsync: false, compactAfterBytes: undefined });
    expect(parseCli(['--data-dir', 'd', '--port', '0', '--host', '0.0.0.0', '--fsync', '--compact-after-bytes', '1000'])).toEqual({
      dataDir: 'd',
      port: 0,
      host: '0.0.0.0',
      fsync: true,
      compactAfterBytes: 1000,
    });
    expect(() => parseCli([])).toThrow('--data-dir is required');
    expect(() => parseCli(['--data-dir', 'd', '--port', '70000'])).toThrow('--port must be a port number 0-65535, got "70000"');
    expect(() => parseCli(['--data-dir', 'd', '--port', 'x'])).toThrow('--port');
    expect(() => parseCli(['--data-dir', 'd', '--nope'])).toThrow('unknown argument --nope');
    expect(() => parseCli(['--data-dir'])).toThrow('--data-dir');
    expect(() => parseCli(['--data-dir', 'd', '--compact-after-bytes', '-1'])).toThrow('--compact-after-bytes');
  });
});
