import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../../../tools/emulators/cosmos/query';

const preds = (text: string, params?: { name: string; value: unknown }[]) => compileQuery(text, params).indexPredicates;

describe('indexPredicates', () => {
  it('equality on either side, nested paths, literals and parameters', () => {
    expect(preds("SELECT * FROM c WHERE 'x' = c.a.b AND c.n = @n AND c.z = null", [{ name: '@n', value: 3 }])).toEqual([
      { path: ['a', 'b'], op: 'eq', values: ['x'] },
      { path: ['n'], op: 'eq', values: [3] },
      { path: ['z'], op: 'eq', values: [null] },
    ]);
    expect(preds('SELECT * FROM root r WHERE r["odd name"] = 1')).toEqual([{ path: ['odd name'], op: 'eq', values: [1] }]);
  });

  it('merges range bounds on one path, keeping the tightest, and flips reversed comparisons', () => {
    expect(preds('SELECT * FROM c WHERE c.n > 1 AND c.n >= 3 AND 10 > c.n AND c.n <= 20')).toEqual([
      { path: ['n'], op: 'range', lower: 3, lowerInclusive: true, upper: 10, upperInclusive: false },
    ]);
    expect(preds('SELECT * FROM c WHERE c.n >= 5 AND c.n > 5')).toEqual([{ path: ['n'], op: 'range', lower: 5, lowerInclusive: false }]);
    expect(preds("SELECT * FROM c WHERE c.s BETWEEN 'a' AND 'm'")).toEqual([{ path: ['s'], op: 'range', lower: 'a', lowerInclusive: true, upper: 'm', upperInclusive: true }]);
  });

  it('never mixes JSON types in one predicate', () => {
    expect(preds("SELECT * FROM c WHERE c.n > 1 AND c.n < 'z'")).toEqual([]);
    expect(preds("SELECT * FROM c WHERE c.n IN (1, '1')")).toEqual([]);
    expect(preds("SELECT * FROM c WHERE (c.k = 1 OR c.k = '1')")).toEqual([]);
    expect(preds('SELECT * FROM c WHERE c.b > true')).toEqual([]);
  });

  it('is conservative: nothing under OR, NOT, NOT IN, functions, or on other aliases', () => {
    expect(preds('SELECT * FROM c WHERE c.a = 1 OR c.b = 2')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE c.a = 1 OR c.a > 5')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE NOT (c.a = 1)')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE NOT (c.a = 1 AND c.b = 2)')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE c.a NOT IN (1, 2)')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE c.a NOT BETWEEN 1 AND 2')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE c.a != 1')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE (c.a = 1 AND c.b = 2) OR c.c = 3')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE LOWER(c.a) = "x"')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE c.a = c.b')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE c.arr[0] = 1')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE c.o = {"a": 1}')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE c.a = undefined')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE (c.a = 1 ? true : false)')).toEqual([]);
    expect(preds('SELECT * FROM c WHERE c.a = 1 ?? true')).toEqual([]);
  });

  it('keeps root-alias conjuncts with JOIN but not conditions on the joined alias', () => {
    expect(compileQuery('SELECT c.id FROM c JOIN t IN c.tags WHERE t.name = "x" AND c.kind = "k"').indexPredicates).toEqual([
      { path: ['kind'], op: 'eq', values: ['k'] },
    ]);
  });

  it('claims nothing for a sub-root FROM (paths are not from the root document)', () => {
    expect(preds('SELECT * FROM c.children ch WHERE ch.name = "x"')).toEqual([]);
    expect(preds('SELECT * FROM ch IN c.children WHERE ch.name = "x"')).toEqual([]);
  });

  it('the predicates hold for every document the query returns (superset check)', () => {
    const docs = Array.from({ length: 300 }, (_, i) => ({ id: String(i), k: ['a', 'b', 'c', 1][i % 4], n: i % 2 ? i : String(i), t: i % 7 }));
    const text = "SELECT * FROM c WHERE (c.k = 'a' OR c.k = 'b') AND c.t IN (1, 2, 3) AND c.n >= 10 AND c.n < 200 AND c.t != 2";
    const q = compileQuery(text);
    const results = [...q.run(docs)] as Record<string, unknown>[];
    expect(results.length).toBeGreaterThan(10);
    expect(q.indexPredicates).toHaveLength(3);
    for (const p of q.indexPredicates) {
      const candidates = new Set(
        docs
          .filter((d) => {
            const v = (d as Record<string, unknown>)[p.path[0]];
            if (p.op !== 'range') return p.values!.includes(v as never);
            if (typeof v !== typeof (p.lower ?? p.upper)) return false;
            if (p.lower !== undefined && (p.lowerInclusive ? (v as number) < (p.lower as number) : (v as number) <= (p.lower as number))) return false;
            if (p.upper !== undefined && (p.upperInclusive ? (v as number) > (p.upper as number) : (v as number) >= (p.upper as number))) return false;
            return true;
          })
          .map((d) => d.id),
      );
      for (const r of results) expect(candidates.has(r.id as string), `${JSON.stringify(p)} misses ${r.id}`).toBe(true);
      // Running over the candidates only gives the same answer.
      expect([...q.run(docs.filter((d) => candidates.has(d.id)))]).toEqual(results);
    }
  });

  it('orderBy only for a single plain root path', () => {
    expect(compileQuery('SELECT * FROM c ORDER BY c.a.b DESC').orderBy).toEqual({ path: ['a', 'b'], descending: true });
    expect(compileQuery('SELECT * FROM c ORDER BY c.a, c.b').orderBy).toBeUndefined();
    expect(compileQuery('SELECT c.id FROM c JOIN t IN c.tags ORDER BY t.x').orderBy).toBeUndefined();
    expect(compileQuery('SELECT * FROM c ORDER BY c.arr[0]').orderBy).toBeUndefined();
    expect(compileQuery('SELECT * FROM c').orderBy).toBeUndefined();
  });

  it('streaming flag', () => {
    expect(compileQuery('SELECT TOP 5 c.id FROM c WHERE c.x = 1 OFFSET 1 LIMIT 2').streaming).toBe(true);
    expect(compileQuery('SELECT c.id FROM c JOIN t IN c.tags').streaming).toBe(true);
    expect(compileQuery('SELECT * FROM c ORDER BY c.x').streaming).toBe(false);
    expect(compileQuery('SELECT VALUE COUNT(1) FROM c').streaming).toBe(false);
    expect(compileQuery('SELECT c.k FROM c GROUP BY c.k').streaming).toBe(false);
    expect(compileQuery('SELECT DISTINCT c.k FROM c').streaming).toBe(false);
  });
});
