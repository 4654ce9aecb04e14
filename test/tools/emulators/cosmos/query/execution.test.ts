// Laziness, bounded ORDER BY, and a throughput figure (printed, not asserted).
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../../../tools/emulators/cosmos/query';

type Doc = Record<string, number | string | boolean | null>;

/** A source that counts how many documents were pulled from it. */
function counting(n: number, make: (i: number) => Doc = (i) => ({ id: String(i), n: i, kind: i % 2 ? 'odd' : 'even' })) {
  const state = { read: 0, closed: false };
  const source: Iterable<Doc> = {
    *[Symbol.iterator]() {
      try {
        for (let i = 0; i < n; i++) {
          state.read++;
          yield make(i);
        }
      } finally {
        state.closed = true;
      }
    },
  };
  return { source, state };
}

describe('laziness', () => {
  it('SELECT TOP 10 * over a million documents reads about 10', () => {
    const { source, state } = counting(1_000_000);
    const out = [...compileQuery('SELECT TOP 10 * FROM c').run(source)];
    expect(out).toHaveLength(10);
    expect(state.read).toBeLessThanOrEqual(11);
    expect(state.closed).toBe(true);
  });

  it('a filtered TOP stops once enough documents matched', () => {
    const { source, state } = counting(1_000_000);
    const out = [...compileQuery("SELECT TOP 10 VALUE c.n FROM c WHERE c.kind = 'odd'").run(source)];
    expect(out).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect(state.read).toBeLessThanOrEqual(21);
  });

  it('OFFSET/LIMIT reads offset + limit documents', () => {
    const { source, state } = counting(1_000_000);
    expect([...compileQuery('SELECT VALUE c.n FROM c OFFSET 100 LIMIT 5').run(source)]).toEqual([100, 101, 102, 103, 104]);
    expect(state.read).toBeLessThanOrEqual(106);
  });

  it('results are produced as the consumer pulls them', () => {
    const { source, state } = counting(1_000);
    const it = compileQuery('SELECT * FROM c')
      .run(source)
      [Symbol.iterator]();
    expect(state.read).toBe(0);
    it.next();
    it.next();
    expect(state.read).toBe(2);
  });

  it('a presorted ORDER BY query streams too', () => {
    const { source, state } = counting(1_000_000);
    const q = compileQuery('SELECT TOP 3 VALUE c.n FROM c ORDER BY c.n');
    expect([...q.run(source, { presorted: true })]).toEqual([0, 1, 2]);
    expect(state.read).toBeLessThanOrEqual(4);
  });

  it('JOIN TOP reads only the documents it needs', () => {
    const { source, state } = counting(1_000_000, (i) => ({ id: String(i), tags: ['a', 'b'] as never }));
    expect([...compileQuery('SELECT TOP 3 VALUE t FROM c JOIN t IN c.tags').run(source)]).toEqual(['a', 'b', 'a']);
    expect(state.read).toBeLessThanOrEqual(3);
  });

  it('TOP 0 reads nothing', () => {
    const { source, state } = counting(1_000);
    expect([...compileQuery('SELECT TOP 0 * FROM c').run(source)]).toEqual([]);
    expect(state.read).toBe(0);
  });
});

describe('ORDER BY + TOP without presort', () => {
  it('keeps the n best with a bounded heap and matches a full sort', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const docs = Array.from({ length: 20_000 }, (_, i) => ({ id: i, v: Math.floor(rand() * 1000), w: rand() < 0.1 ? undefined : rand() }));
    const full = [...compileQuery('SELECT VALUE [c.v, c.id] FROM c ORDER BY c.v DESC, c.id ASC').run(docs as never)];
    const top = [...compileQuery('SELECT TOP 25 VALUE [c.v, c.id] FROM c ORDER BY c.v DESC, c.id ASC').run(docs as never)];
    expect(top).toEqual(full.slice(0, 25));
    const page = [...compileQuery('SELECT VALUE [c.v, c.id] FROM c ORDER BY c.v DESC, c.id ASC OFFSET 100 LIMIT 10').run(docs as never)];
    expect(page).toEqual(full.slice(100, 110));
    // Ties keep the source order (stable), as in a full sort.
    const ties = [...compileQuery('SELECT TOP 5 VALUE c.id FROM c ORDER BY c.v').run(docs as never)];
    const expected = docs.slice().sort((a, b) => a.v - b.v || a.id - b.id).slice(0, 5).map((d) => d.id);
    expect(ties).toEqual(expected);
  });
});

describe('throughput', () => {
  it('filters a million documents with WHERE c.kind = @k AND c.n >= @x (printed)', () => {
    const N = 1_000_000;
    const docs: Doc[] = new Array(N);
    for (let i = 0; i < N; i++) docs[i] = { id: String(i), kind: i % 4 === 0 ? 'a' : 'b', n: i % 1000, pk: 'p' + (i % 10) };
    const q = compileQuery('SELECT * FROM c WHERE c.kind = @k AND c.n >= @x', [{ name: '@k', value: 'a' }, { name: '@x', value: 500 }]);
    let count = 0;
    for (const _ of q.run(docs)) count++; // warm-up
    count = 0;
    const t0 = process.hrtime.bigint();
    for (const _ of q.run(docs)) count++;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    expect(count).toBe(125_000);
    const perSecond = N / seconds;
    console.log(`[cosmos query] filter throughput: ${(perSecond / 1e6).toFixed(1)} M documents/s (${N} docs in ${(seconds * 1000).toFixed(0)} ms, ${count} matched)`);

    const agg = compileQuery('SELECT c.pk, COUNT(1) AS n, SUM(c.n) AS s FROM c WHERE c.kind = @k GROUP BY c.pk', [{ name: '@k', value: 'b' }]);
    const t1 = process.hrtime.bigint();
    const groups = [...agg.run(docs)];
    const aggSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    expect(groups).toHaveLength(10);
    console.log(`[cosmos query] GROUP BY throughput: ${(N / aggSeconds / 1e6).toFixed(1)} M documents/s`);

    const sorted = compileQuery('SELECT TOP 10 c.id FROM c ORDER BY c.n DESC');
    const t2 = process.hrtime.bigint();
    expect([...sorted.run(docs)]).toHaveLength(10);
    const sortSeconds = Number(process.hrtime.bigint() - t2) / 1e9;
    console.log(`[cosmos query] ORDER BY + TOP 10 (heap) throughput: ${(N / sortSeconds / 1e6).toFixed(1)} M documents/s`);
  });
});
