import { describe, expect, it } from 'vitest';
import { compareValues, compileQuery } from '../../../../../tools/emulators/cosmos/query';

type Doc = Record<string, unknown>;
const run = (text: string, docs: Doc[] = [], params?: { name: string; value: unknown }[]) => [...compileQuery(text, params).run(docs as never)];
/** Evaluates one expression with no FROM; undefined when the result is undefined (SELECT VALUE yields nothing). */
const val = (expr: string) => {
  const out = run(`SELECT VALUE ${expr}`);
  expect(out.length).toBeLessThanOrEqual(1);
  return out[0];
};

describe('undefined and three-valued logic', () => {
  it('comparisons across types are undefined, not false', () => {
    expect(val("1 = '1'")).toBeUndefined();
    expect(val("1 != '1'")).toBeUndefined();
    expect(val("1 < 'a'")).toBeUndefined();
    expect(val('null = false')).toBeUndefined();
    expect(val('[1] < [2]')).toBeUndefined();
    expect(val('{"a":1} > {"a":0}')).toBeUndefined();
    expect(val('1 = 1.0')).toBe(true);
    expect(val("'a' < 'b'")).toBe(true);
    expect(val('false < true')).toBe(true);
    expect(val('null = null')).toBe(true);
    expect(val('[1, {"a": 2}] = [1, {"a": 2}]')).toBe(true);
    expect(val('{"a": 1, "b": 2} = {"b": 2, "a": 1}')).toBe(true);
  });

  it('undefined propagates through operators', () => {
    expect(val('undefined = undefined')).toBeUndefined();
    expect(val('1 + undefined')).toBeUndefined();
    expect(val("'a' || undefined")).toBeUndefined();
    expect(val('NOT undefined')).toBeUndefined();
    expect(val("1 + 'a'")).toBeUndefined();
    expect(val("'a' || 'b'")).toBe('ab');
    expect(val("'a' || 1")).toBeUndefined();
  });

  it('AND / OR / NOT follow three-valued logic', () => {
    expect(val('true AND undefined')).toBeUndefined();
    expect(val('false AND undefined')).toBe(false);
    expect(val('undefined AND false')).toBe(false);
    expect(val('true OR undefined')).toBe(true);
    expect(val('undefined OR true')).toBe(true);
    expect(val('false OR undefined')).toBeUndefined();
    expect(val('NOT false')).toBe(true);
    expect(val('NOT 1')).toBeUndefined();
    expect(val('1 AND true')).toBeUndefined();
  });

  it('WHERE keeps only documents whose condition is true', () => {
    const docs = [{ id: 'num', x: 5 }, { id: 'str', x: '5' }, { id: 'missing' }, { id: 'null', x: null }];
    expect(run('SELECT VALUE c.id FROM c WHERE c.x = 5', docs)).toEqual(['num']);
    expect(run('SELECT VALUE c.id FROM c WHERE c.x != 5', docs)).toEqual([]);
    expect(run('SELECT VALUE c.id FROM c WHERE NOT (c.x = 5)', docs)).toEqual([]);
    expect(run('SELECT VALUE c.id FROM c WHERE NOT (c.x > 3)', docs)).toEqual([]);
    expect(run("SELECT VALUE c.id FROM c WHERE c.x != 'a'", docs)).toEqual(['str']);
    expect(run('SELECT VALUE c.id FROM c WHERE c.x > 1 OR c.id = "missing"', docs)).toEqual(['num', 'missing']);
    expect(run('SELECT VALUE c.id FROM c WHERE c.x', [{ id: 't', x: true }, { id: 'one', x: 1 }])).toEqual(['t']);
    expect(run('SELECT VALUE c.id FROM c WHERE c.x = null', docs)).toEqual(['null']);
  });

  it('non-finite arithmetic results are undefined', () => {
    expect(val('1 / 0')).toBeUndefined();
    expect(val('0 / 0')).toBeUndefined();
    expect(val('5 % 0')).toBeUndefined();
    expect(val('SQRT(-1)')).toBeUndefined();
    expect(val('LOG(0)')).toBeUndefined();
    expect(val('7 % 3')).toBe(1);
    expect(val('-(2 * 3) + 10 / 4')).toBe(-3.5);
  });

  it('property access on the wrong type is undefined (never a prototype member)', () => {
    const docs = [{ id: 'a', arr: [1, 2], s: 'text', o: { k: 1 } }];
    expect(run('SELECT VALUE [c.arr.length, c.s.length, c.o.constructor, c.o["toString"], c.arr[5], c.arr[-1], c.o[0], c.missing.deeper] FROM c', docs)).toEqual([[]]);
    expect(run('SELECT VALUE c.constructor FROM c', docs)).toEqual([]);
  });
});

describe('operators', () => {
  it('IN and NOT IN', () => {
    expect(val("'b' IN ('a', 'b')")).toBe(true);
    expect(val("'c' IN ('a', 'b')")).toBe(false);
    expect(val("'c' NOT IN ('a', 'b')")).toBe(true);
    expect(val("1 IN ('a', 'b')")).toBe(false);
    expect(val("1 NOT IN ('a', 'b')")).toBe(true);
    expect(val("1 IN (undefined, 1)")).toBe(true);
    expect(val("undefined IN ('a')")).toBeUndefined();
    expect(val('[1,2] IN ([1,2], [3])')).toBe(true);
    const docs = [{ id: 'a', k: 'x' }, { id: 'b', k: 'y' }, { id: 'c' }];
    expect(run("SELECT VALUE c.id FROM c WHERE c.k NOT IN ('x')", docs)).toEqual(['b']);
    expect(run("SELECT VALUE c.id FROM c WHERE c.n NOT IN ('1', '2')", [{ id: 'num', n: 1 }, { id: 'str', n: '1' }, { id: 'none' }])).toEqual(['num']);
  });

  it('BETWEEN is inclusive and undefined across types', () => {
    expect(val('5 BETWEEN 1 AND 5')).toBe(true);
    expect(val('0 BETWEEN 1 AND 5')).toBe(false);
    expect(val('0 NOT BETWEEN 1 AND 5')).toBe(true);
    expect(val("'m' BETWEEN 'a' AND 'z'")).toBe(true);
    expect(val("5 BETWEEN 'a' AND 'z'")).toBeUndefined();
  });

  it('LIKE with %, _, character classes and ESCAPE', () => {
    expect(val("'abcde' LIKE 'a%e'")).toBe(true);
    expect(val("'abcde' LIKE 'a_c%'")).toBe(true);
    expect(val("'abcde' LIKE 'b%'")).toBe(false);
    expect(val("'ABC' LIKE 'abc'")).toBe(false);
    expect(val("'abc' NOT LIKE 'x%'")).toBe(true);
    expect(val("'50%' LIKE '50!%' ESCAPE '!'")).toBe(true);
    expect(val("'500' LIKE '50!%' ESCAPE '!'")).toBe(false);
    expect(val("'b1' LIKE '[a-c]_'")).toBe(true);
    expect(val("'d1' LIKE '[^a-c]1'")).toBe(true);
    expect(val("'a.c' LIKE 'a.c'")).toBe(true);
    expect(val("'abc' LIKE 'a.c'")).toBe(false);
    expect(val("5 LIKE '5'")).toBeUndefined();
  });

  it('conditional and coalesce', () => {
    expect(val("true ? 'y' : 'n'")).toBe('y');
    expect(val("1 ? 'y' : 'n'")).toBe('n');
    expect(val("undefined ?? 'd'")).toBe('d');
    expect(val("null ?? 'd'")).toBeNull();
    expect(run("SELECT VALUE c.nick ?? c.name FROM c", [{ name: 'n1' }, { name: 'n2', nick: 'k2' }])).toEqual(['n1', 'k2']);
  });

  it('object and array constructors drop undefined members', () => {
    expect(val('{"a": 1, "b": undefined, c: [1, undefined, 3]}')).toEqual({ a: 1, c: [1, 3] });
    expect(val('[]')).toEqual([]);
    expect(val('{}')).toEqual({});
  });

  it('bitwise operators on integers', () => {
    expect(val('[6 & 3, 6 | 3, 6 ^ 3, 1 << 4, -16 >> 2, ~0]')).toEqual([2, 7, 5, 16, -4, -1]);
  });
});

describe('functions', () => {
  it('type checks', () => {
    const docs = [{ n: 1, s: 'x', b: false, z: null, a: [], o: {} }];
    expect(run('SELECT VALUE [IS_DEFINED(c.n), IS_DEFINED(c.q), IS_NULL(c.z), IS_NULL(c.q), IS_BOOL(c.b), IS_NUMBER(c.n), IS_NUMBER(c.s), IS_STRING(c.s), IS_ARRAY(c.a), IS_OBJECT(c.o), IS_OBJECT(c.a), IS_PRIMITIVE(c.z), IS_PRIMITIVE(c.o), IS_PRIMITIVE(c.q)] FROM c', docs)).toEqual([
      [true, false, true, false, true, true, false, true, true, true, false, true, false, false],
    ]);
  });

  it('array functions', () => {
    expect(val('ARRAY_CONTAINS([1, 2], 2)')).toBe(true);
    expect(val("ARRAY_CONTAINS([1, 2], '2')")).toBe(false);
    expect(val('ARRAY_CONTAINS([{"a": 1, "b": 2}], {"a": 1})')).toBe(false);
    expect(val('ARRAY_CONTAINS([{"a": 1, "b": 2}], {"a": 1}, true)')).toBe(true);
    expect(val('ARRAY_CONTAINS([{"a": 1, "b": 2}], {"a": 2}, true)')).toBe(false);
    expect(val("ARRAY_CONTAINS('x', 'x')")).toBeUndefined();
    expect(val('ARRAY_LENGTH([1, 2, 3])')).toBe(3);
    expect(val("ARRAY_LENGTH('abc')")).toBeUndefined();
    expect(val('ARRAY_SLICE([1, 2, 3, 4], 1)')).toEqual([2, 3, 4]);
    expect(val('ARRAY_SLICE([1, 2, 3, 4], 1, 2)')).toEqual([2, 3]);
    expect(val('ARRAY_SLICE([1, 2, 3, 4], -2, 1)')).toEqual([3]);
    expect(val('ARRAY_CONCAT([1], [2, 3], [])')).toEqual([1, 2, 3]);
  });

  it('string functions', () => {
    expect(val("CONTAINS('Hello', 'ell')")).toBe(true);
    expect(val("CONTAINS('Hello', 'ELL')")).toBe(false);
    expect(val("CONTAINS('Hello', 'ELL', true)")).toBe(true);
    expect(val("STARTSWITH('Hello', 'he')")).toBe(false);
    expect(val("STARTSWITH('Hello', 'he', true)")).toBe(true);
    expect(val("ENDSWITH('Hello', 'llo')")).toBe(true);
    expect(val("CONTAINS(5, '5')")).toBeUndefined();
    expect(val("[LOWER('AbC'), UPPER('AbC'), LENGTH('abc'), SUBSTRING('abcdef', 1, 3), CONCAT('a', 'b', 'c'), INDEX_OF('abcabc', 'c'), INDEX_OF('abc', 'z'), LEFT('abcdef', 2), RIGHT('abcdef', 2)]")).toEqual([
      'abc', 'ABC', 3, 'bcd', 'abc', 2, -1, 'ab', 'ef',
    ]);
    expect(val("[LTRIM('  a '), RTRIM(' a  '), TRIM('  a  '), REPLACE('a-b-c', '-', '+'), REVERSE('abc'), REPLICATE('ab', 3)]")).toEqual(['a ', ' a', 'a', 'a+b+c', 'cba', 'ababab']);
    expect(val('[TOSTRING(1.5), TOSTRING(true), TOSTRING(null), TOSTRING([1, "a"]), TOSTRING("s")]')).toEqual(['1.5', 'true', 'null', '[1,"a"]', 's']);
    expect(val("[STRINGTONUMBER('1.5'), STRINGTOBOOLEAN('true'), STRINGTOARRAY('[1]'), STRINGTOOBJECT('{\"a\":1}')]")).toEqual([1.5, true, [1], { a: 1 }]);
    expect(val("STRINGTONUMBER('abc')")).toBeUndefined();
    expect(val('LOWER(1)')).toBeUndefined();
  });

  it('math functions', () => {
    expect(val('[ABS(-2), CEILING(1.2), FLOOR(-1.2), ROUND(2.5), ROUND(-2.5), TRUNC(-1.7), SQRT(9), POWER(2, 10), EXP(0), SIGN(-3), LOG(1), LOG(8, 2), LOG10(1000)]')).toEqual([
      2, 2, -2, 3, -3, -1, 3, 1024, 1, -1, 0, 3, 3,
    ]);
    expect(val("ABS('x')")).toBeUndefined();
  });

  it('DateTimeAdd, DateTimePart and timestamp conversions', () => {
    expect(val("DateTimeAdd('dd', 1, '2025-01-31T10:00:00.0000000Z')")).toBe('2025-02-01T10:00:00.0000000Z');
    expect(val("DateTimeAdd('month', 1, '2025-01-31T00:00:00Z')")).toBe('2025-02-28T00:00:00.0000000Z');
    expect(val("DateTimeAdd('yyyy', -1, '2024-02-29T00:00:00.1234567Z')")).toBe('2023-02-28T00:00:00.1234567Z');
    expect(val("DateTimeAdd('hh', -3, '2025-01-01T01:30:00.000Z')")).toBe('2024-12-31T22:30:00.0000000Z');
    expect(val("DateTimeAdd('mcs', 1, '2025-01-01T00:00:00.9999995Z')")).toBe('2025-01-01T00:00:01.0000005Z');
    expect(val("DateTimeAdd('dd', 1, 'not a date')")).toBeUndefined();
    expect(val("DateTimeAdd('fortnight', 1, '2025-01-01T00:00:00Z')")).toBeUndefined();
    expect(val("[DateTimePart('month', '2025-03-04T05:06:07.1234567Z'), DateTimePart('ms', '2025-03-04T05:06:07.1234567Z'), DateTimePart('mcs', '2025-03-04T05:06:07.1234567Z')]")).toEqual([3, 123, 123456]);
    expect(val("DateTimeToTimestamp('2025-01-01T00:00:00.5Z')")).toBe(Date.UTC(2025, 0, 1) + 500);
    expect(val(`TimestampToDateTime(${Date.UTC(2025, 0, 1, 12)})`)).toBe('2025-01-01T12:00:00.0000000Z');
  });

  it('date and time functions return the query time', () => {
    const before = Date.now();
    const dt = val('GetCurrentDateTime()') as string;
    const ts = val('GetCurrentTimestamp()') as number;
    expect(dt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    expect(Date.parse(dt)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(ts).toBeGreaterThanOrEqual(before);
  });
});

describe('projection', () => {
  const docs = [{ id: '1', name: 'a', address: { city: 'X' } }, { id: '2' }];

  it('omits undefined properties and names items like the service', () => {
    expect(run('SELECT c.id, c.name, c.address.city, c.id || "!" , UPPER(c.name) AS big FROM c', docs)).toEqual([
      { id: '1', name: 'a', city: 'X', $1: '1!', big: 'A' },
      { id: '2', $1: '2!' },
    ]);
  });

  it('SELECT VALUE of an undefined value yields nothing for that item', () => {
    expect(run('SELECT VALUE c.name FROM c', docs)).toEqual(['a']);
    expect(run('SELECT VALUE undefined FROM c', docs)).toEqual([]);
  });

  it('SELECT of the alias wraps the document; SELECT * returns it', () => {
    expect(run('SELECT c FROM c WHERE c.id = "2"', docs)).toEqual([{ c: { id: '2' } }]);
    expect(run('SELECT * FROM c WHERE c.id = "2"', docs)).toEqual([{ id: '2' }]);
  });

  it('select without FROM evaluates once', () => {
    expect(run('SELECT 1 + 1 AS two, "x"')).toEqual([{ two: 2, $1: 'x' }]);
  });

  it('rejects duplicate output names', () => {
    expect(() => compileQuery('SELECT c.id, c.x.id FROM c')).toThrow(/'id'/);
  });
});

describe('ORDER BY', () => {
  it('orders across types: undefined < null < false < true < numbers < strings < arrays < objects; missing properties are returned', () => {
    const docs = [
      { id: 'str', v: 'a' }, { id: 'obj', v: { a: 1 } }, { id: 'num', v: 2 }, { id: 'missing' }, { id: 'arr', v: [1] },
      { id: 'true', v: true }, { id: 'null', v: null }, { id: 'neg', v: -1 }, { id: 'false', v: false }, { id: 'str0', v: '' },
    ];
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.v', docs)).toEqual(['missing', 'null', 'false', 'true', 'neg', 'num', 'str0', 'str', 'arr', 'obj']);
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.v DESC', docs)).toEqual(['obj', 'arr', 'str', 'str0', 'num', 'neg', 'true', 'false', 'null', 'missing']);
  });

  it('compareValues exposes the same order', () => {
    const ordered = [undefined, null, false, true, -5, 0, 3.5, '', 'A', 'a', 'b', [], [1], [1, 2], [2], {}, { a: 1 }, { a: 2 }, { b: 0 }];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(Math.sign(compareValues(ordered[i] as never, ordered[j] as never)), `${JSON.stringify(ordered[i])} vs ${JSON.stringify(ordered[j])}`).toBe(Math.sign(i - j));
      }
    }
  });

  it('multiple ORDER BY items with mixed directions, stable for ties', () => {
    const docs = [
      { id: 1, a: 'x', b: 1 }, { id: 2, a: 'y', b: 5 }, { id: 3, a: 'x', b: 3 }, { id: 4, a: 'y', b: 5 }, { id: 5, a: 'x', b: 2 },
    ];
    expect(run('SELECT VALUE c.id FROM c ORDER BY c.a ASC, c.b DESC', docs)).toEqual([3, 5, 1, 2, 4]);
  });

  it('TOP and OFFSET/LIMIT with ORDER BY use the sorted order', () => {
    const docs = Array.from({ length: 50 }, (_, i) => ({ id: i, n: (i * 37) % 50 }));
    expect(run('SELECT TOP 3 VALUE c.n FROM c ORDER BY c.n DESC', docs)).toEqual([49, 48, 47]);
    expect(run('SELECT VALUE c.n FROM c ORDER BY c.n OFFSET 10 LIMIT 4', docs)).toEqual([10, 11, 12, 13]);
    expect(run('SELECT TOP 2 VALUE c.n FROM c ORDER BY c.n OFFSET 10 LIMIT 4', docs)).toEqual([10, 11]);
  });

  it('bounded ORDER BY skips rows whose VALUE is undefined before counting', () => {
    const docs = [{ k: 1 }, { k: 2, v: 'b' }, { k: 3, v: 'c' }];
    expect(run('SELECT TOP 1 VALUE c.v FROM c ORDER BY c.k', docs)).toEqual(['b']);
  });

  it('ORDER BY on a JOIN alias path', () => {
    const docs = [{ id: 'a', items: [{ p: 3 }, { p: 1 }] }, { id: 'b', items: [{ p: 2 }] }];
    expect(run('SELECT c.id, i.p FROM c JOIN i IN c.items ORDER BY i.p', docs)).toEqual([{ id: 'a', p: 1 }, { id: 'b', p: 2 }, { id: 'a', p: 3 }]);
  });

  it('skips sorting when the server says the source is presorted', () => {
    const q = compileQuery('SELECT VALUE c.n FROM c ORDER BY c.n');
    const docs = [{ n: 3 }, { n: 1 }, { n: 2 }];
    expect([...q.run(docs, { presorted: true })]).toEqual([3, 1, 2]);
    expect([...q.run(docs)]).toEqual([1, 2, 3]);
  });
});

describe('GROUP BY and aggregates', () => {
  const docs = [
    { id: 1, kind: 'a', n: 1, s: 'x' },
    { id: 2, kind: 'b', n: 10 },
    { id: 3, kind: 'a', n: 2, s: 'y' },
    { id: 4, kind: 'a', n: 'oops' },
    { id: 5, n: 7 },
  ];

  it('aggregates with VALUE and without', () => {
    expect(run('SELECT VALUE COUNT(1) FROM c', docs)).toEqual([5]);
    expect(run('SELECT COUNT(1) AS n, COUNT(c.s) AS withS, MIN(c.id) AS lo, MAX(c.id) AS hi FROM c', docs)).toEqual([{ n: 5, withS: 2, lo: 1, hi: 5 }]);
    expect(run('SELECT COUNT(1) FROM c', docs)).toEqual([{ $1: 5 }]);
    expect(run('SELECT VALUE SUM(c.id) FROM c', docs)).toEqual([15]);
    expect(run('SELECT VALUE AVG(c.id) FROM c', docs)).toEqual([3]);
  });

  it('SUM/AVG over a non-number are undefined; MIN/MAX use the type order', () => {
    expect(run('SELECT VALUE SUM(c.n) FROM c', docs)).toEqual([]);
    expect(run('SELECT SUM(c.n) AS s FROM c', docs)).toEqual([{}]);
    expect(run('SELECT VALUE AVG(c.n) FROM c', docs)).toEqual([]);
    expect(run('SELECT VALUE MAX(c.n) FROM c', docs)).toEqual(['oops']);
    expect(run('SELECT VALUE MIN(c.n) FROM c', docs)).toEqual([1]);
    expect(run('SELECT VALUE MIN(c.v) FROM c', [{ v: true }, { v: null }, { v: 3 }])).toEqual([null]);
    expect(run('SELECT VALUE MAX(c.v) FROM c', [{ v: [9] }, { v: 3 }])).toEqual([]);
  });

  it('aggregates over an empty input', () => {
    expect(run('SELECT VALUE COUNT(1) FROM c WHERE false', docs)).toEqual([0]);
    expect(run('SELECT COUNT(1) AS n FROM c WHERE false', docs)).toEqual([{ n: 0 }]);
    expect(run('SELECT VALUE SUM(c.id) FROM c WHERE false', docs)).toEqual([0]);
    expect(run('SELECT VALUE MAX(c.id) FROM c WHERE false', docs)).toEqual([]);
    expect(run('SELECT AVG(c.id) AS a FROM c WHERE false', docs)).toEqual([{}]);
    expect(run('SELECT c.kind, COUNT(1) AS n FROM c WHERE false GROUP BY c.kind', docs)).toEqual([]);
  });

  it('GROUP BY with keys and aggregates; undefined keys form their own group', () => {
    expect(run('SELECT c.kind, COUNT(1) AS n, MAX(c.id) AS last FROM c GROUP BY c.kind', docs)).toEqual([
      { kind: 'a', n: 3, last: 4 },
      { kind: 'b', n: 1, last: 2 },
      { n: 1, last: 5 },
    ]);
    expect(run('SELECT VALUE COUNT(1) FROM c WHERE IS_NUMBER(c.n) GROUP BY c.kind', docs)).toEqual([2, 1, 1]);
    expect(run('SELECT c.kind AS k, SUM(c.n) AS total FROM c WHERE c.id != 4 GROUP BY c.kind', docs)).toEqual([
      { k: 'a', total: 3 },
      { k: 'b', total: 10 },
      { total: 7 },
    ]);
  });

  it('GROUP BY several keys, expressions over keys and aggregates', () => {
    const rows = [{ a: 1, b: 'x', v: 2 }, { a: 1, b: 'y', v: 3 }, { a: 1, b: 'x', v: 4 }];
    expect(run('SELECT c.a, c.b, SUM(c.v) * 10 AS t, {"k": c.b} AS o FROM c GROUP BY c.a, c.b', rows)).toEqual([
      { a: 1, b: 'x', t: 60, o: { k: 'x' } },
      { a: 1, b: 'y', t: 30, o: { k: 'y' } },
    ]);
    expect(run('SELECT VALUE LOWER(c.b) FROM c GROUP BY LOWER(c.b)', rows)).toEqual(['x', 'y']);
  });
});

describe('DISTINCT, TOP, OFFSET/LIMIT, JOIN', () => {
  it('DISTINCT compares objects structurally', () => {
    const docs = [{ o: { a: 1, b: 2 } }, { o: { b: 2, a: 1 } }, { o: { a: 1 } }, { o: [1, 2] }, { o: [1, 2] }, { o: '1' }, { o: 1 }];
    expect(run('SELECT DISTINCT VALUE c.o FROM c', docs)).toEqual([{ a: 1, b: 2 }, { a: 1 }, [1, 2], '1', 1]);
    expect(run('SELECT DISTINCT c.o.a FROM c', docs)).toEqual([{ a: 1 }, {}]);
  });

  it('DISTINCT before or after TOP', () => {
    const docs = [{ k: 1 }, { k: 1 }, { k: 2 }, { k: 3 }];
    expect(run('SELECT TOP 2 DISTINCT VALUE c.k FROM c', docs)).toEqual([1, 2]);
    expect(run('SELECT DISTINCT TOP 2 VALUE c.k FROM c', docs)).toEqual([1, 2]);
  });

  it('TOP and OFFSET/LIMIT', () => {
    const docs = Array.from({ length: 10 }, (_, i) => ({ i }));
    expect(run('SELECT TOP 3 VALUE c.i FROM c', docs)).toEqual([0, 1, 2]);
    expect(run('SELECT TOP 0 VALUE c.i FROM c', docs)).toEqual([]);
    expect(run('SELECT VALUE c.i FROM c OFFSET 8 LIMIT 5', docs)).toEqual([8, 9]);
    expect(run('SELECT VALUE c.i FROM c OFFSET 3 LIMIT 0', docs)).toEqual([]);
    expect(run('SELECT DISTINCT VALUE c.i % 3 FROM c OFFSET 1 LIMIT 1', docs)).toEqual([1]);
  });

  it('JOIN iterates arrays (inner join), chained JOINs see earlier aliases', () => {
    const docs = [
      { id: 'a', kids: [{ name: 'k1', pets: ['p1', 'p2'] }, { name: 'k2' }] },
      { id: 'b', kids: [] },
      { id: 'c' },
      { id: 'd', kids: 'notAnArray' },
    ];
    expect(run('SELECT c.id, k.name FROM c JOIN k IN c.kids', docs)).toEqual([{ id: 'a', name: 'k1' }, { id: 'a', name: 'k2' }]);
    expect(run('SELECT VALUE [c.id, k.name, p] FROM c JOIN k IN c.kids JOIN p IN k.pets', docs)).toEqual([['a', 'k1', 'p1'], ['a', 'k1', 'p2']]);
    expect(run("SELECT VALUE k.name FROM c JOIN k IN c.kids WHERE ARRAY_CONTAINS(k.pets, 'p2')", docs)).toEqual(['k1']);
    expect(run('SELECT DISTINCT VALUE c.id FROM c JOIN k IN c.kids', docs)).toEqual(['a']);
    // JOIN without IN binds the value itself: one row per document where it is defined.
    expect(run('SELECT VALUE c.id FROM c JOIN c.kids k', docs)).toEqual(['a', 'b', 'd']);
  });
});
