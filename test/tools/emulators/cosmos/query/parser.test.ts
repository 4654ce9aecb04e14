import { describe, expect, it } from 'vitest';
import { compileQuery, QueryError } from '../../../../../tools/emulators/cosmos/query';

function errorOf(text: string, params?: { name: string; value: unknown }[]): QueryError {
  try {
    compileQuery(text, params);
  } catch (e) {
    expect(e).toBeInstanceOf(QueryError);
    return e as QueryError;
  }
  throw new Error(`expected "${text}" to be rejected`);
}

const run = (text: string, docs: Record<string, unknown>[] = [], params?: { name: string; value: unknown }[]) =>
  [...compileQuery(text, params).run(docs as never)];

describe('syntax errors', () => {
  it('names the token where parsing failed, as the service does', () => {
    expect(errorOf('SELECT * FORM c').message).toBe("Syntax error, incorrect syntax near 'FORM'.");
    expect(errorOf('SELECT c.id FROM c WHERE').message).toBe('Syntax error, unexpected end-of-file.');
    expect(errorOf('SELECT c.id FROM c WHERE c.x = = 1').message).toBe("Syntax error, incorrect syntax near '='.");
    expect(errorOf('SELECT c.id FROM c ORDER c.id').message).toBe("Syntax error, incorrect syntax near 'c'.");
    expect(errorOf("SELECT * FROM c WHERE c.x = 'open").message).toBe('Syntax error, unexpected end-of-file.');
    expect(errorOf('SELECT * FROM c LIMIT 5').message).toBe("Syntax error, incorrect syntax near 'LIMIT'.");
    expect(errorOf('SELECT VALUE c.a, c.b FROM c').message).toBe("Syntax error, incorrect syntax near ','.");
    expect(errorOf('SELEC * FROM c').message).toBe("Syntax error, incorrect syntax near 'SELEC'.");
  });

  it('carries status 400 and code BadRequest', () => {
    const e = errorOf('SELECT * FORM c');
    expect(e.status).toBe(400);
    expect(e.code).toBe('BadRequest');
  });

  it('rejects SELECT * without FROM', () => {
    expect(errorOf('SELECT *').message).toBe("'SELECT *' is not valid if FROM clause is omitted.");
  });

  it('accepts keywords in any case and comments', () => {
    expect(run('select value c.id from c where c.n > 1 -- trailing comment\n order by c.id desc', [{ id: 'a', n: 2 }, { id: 'b', n: 3 }, { id: 'c', n: 0 }])).toEqual(['b', 'a']);
  });

  it('parses string escapes in both quote styles', () => {
    expect(run(`SELECT VALUE ['it\\'s', "say \\"hi\\"", '\\u0041\\n', "a\\\\b"]`)).toEqual([["it's", 'say "hi"', 'A\n', 'a\\b']]);
  });

  it('parses numbers: decimals, exponents, hex, negatives', () => {
    expect(run('SELECT VALUE [1.5, .5, 2e3, 1E-2, 0x1F, -4]')).toEqual([[1.5, 0.5, 2000, 0.01, 31, -4]]);
  });

  it('parses property access by name, by string and by index', () => {
    const docs = [{ a: { 'b c': [10, 20] }, value: 7 }];
    expect(run('SELECT VALUE [c.a["b c"][1], c["a"]["b c"][0], c["value"]] FROM c', docs)).toEqual([[20, 10, 7]]);
  });

  it('supports FROM root alias, AS and sub-root FROM forms', () => {
    const docs = [{ id: '1', children: [{ n: 'x' }, { n: 'y' }] }, { id: '2' }];
    expect(run('SELECT VALUE r.id FROM root r', docs)).toEqual(['1', '2']);
    expect(run('SELECT VALUE r.id FROM Families AS r', docs)).toEqual(['1', '2']);
    expect(run('SELECT VALUE ch FROM c.children ch', docs)).toEqual([[{ n: 'x' }, { n: 'y' }]]);
    expect(run('SELECT VALUE ch.n FROM ch IN c.children', docs)).toEqual(['x', 'y']);
  });
});

describe('parameters', () => {
  it('reports a parameter the query uses but the request does not supply, naming it', () => {
    const e = errorOf('SELECT * FROM c WHERE c.kind = @kind AND c.n = @n', [{ name: '@kind', value: 'a' }]);
    expect(e.message).toContain("'@n'");
    expect(e.message).not.toContain('@kind');
  });

  it('reports missing TOP / OFFSET / LIMIT parameters', () => {
    expect(errorOf('SELECT TOP @t * FROM c').message).toContain("'@t'");
    expect(errorOf('SELECT * FROM c OFFSET 1 LIMIT @l').message).toContain("'@l'");
  });

  it('substitutes parameters anywhere, including TOP, OFFSET/LIMIT and brackets', () => {
    const docs = [{ id: 'a', bag: { one: 1 } }, { id: 'b', bag: { one: 2 } }, { id: 'c', bag: { one: 1 } }];
    const params = [{ name: '@name', value: 'one' }, { name: '@v', value: 1 }, { name: '@t', value: 1 }];
    expect(run('SELECT TOP @t VALUE c.id FROM c WHERE c.bag[@name] = @v', docs, params)).toEqual(['a']);
    expect(run('SELECT VALUE c.id FROM c OFFSET @o LIMIT @l', docs, [{ name: '@o', value: 1 }, { name: '@l', value: 1 }])).toEqual(['b']);
  });

  it('accepts object and array parameter values', () => {
    const docs = [{ id: 'a', tags: ['x'] }, { id: 'b', tags: ['y'] }];
    expect(run('SELECT VALUE c.id FROM c WHERE ARRAY_CONTAINS(@ids, c.id)', docs, [{ name: '@ids', value: ['b', 'z'] }])).toEqual(['b']);
    expect(run('SELECT VALUE @o.k', [], [{ name: '@o', value: { k: 5 } }])).toEqual([5]);
  });

  it('rejects a TOP that is not a non-negative integer', () => {
    expect(errorOf('SELECT TOP @t * FROM c', [{ name: '@t', value: 'x' }]).message).toMatch(/TOP/);
    expect(errorOf('SELECT TOP @t * FROM c', [{ name: '@t', value: -1 }]).message).toMatch(/TOP/);
  });
});

describe('names and functions', () => {
  it('rejects an unknown function with the service wording', () => {
    expect(errorOf('SELECT VALUE FOO(c.x) FROM c').message).toBe("'FOO' is not a recognized built-in function name.");
    expect(errorOf('SELECT VALUE StringToFoo(c.x) FROM c').message).toBe("'StringToFoo' is not a recognized built-in function name.");
  });

  it('rejects the wrong number of arguments', () => {
    expect(errorOf('SELECT VALUE ABS(1, 2)').message).toMatch(/ABS.*1 argument/);
  });

  it('rejects an unknown identifier', () => {
    expect(errorOf('SELECT VALUE x.id FROM c').message).toBe("Identifier 'x' could not be resolved.");
  });

  it('accepts built-in names in any case', () => {
    expect(run("SELECT VALUE [upper('a'), Lower('B'), ArRaY_LeNgTh([1,2])]")).toEqual([['A', 'b', 2]]);
  });
});

describe('refused features', () => {
  it.each([
    ['SELECT * FROM c WHERE EXISTS(SELECT VALUE t FROM t IN c.tags)', /EXISTS/],
    ['SELECT ARRAY(SELECT VALUE t FROM t IN c.tags) AS x FROM c', /ARRAY subqueries/],
    ['SELECT (SELECT VALUE 1) AS x FROM c', /subqueries/],
    ['SELECT * FROM (SELECT * FROM c) s', /subqueries/],
    ['SELECT * FROM c WHERE c.id IN (SELECT VALUE 1)', /subqueries/],
    ['SELECT VALUE udf.tax(c.price) FROM c', /user-defined functions/],
    ['SELECT * FROM c WHERE ST_DISTANCE(c.loc, {"type":"Point","coordinates":[0,0]}) < 10', /spatial/],
  ])('%s', (text, pattern) => {
    const e = errorOf(text);
    expect(e.message).toMatch(pattern);
    expect(e.message).toMatch(/^Unsupported by the Cosmos DB emulator/);
  });

  it('refuses ORDER BY on an expression that is not a document path, like the service', () => {
    expect(errorOf('SELECT * FROM c ORDER BY LENGTH(c.id)').message).toBe('Unsupported ORDER BY clause. ORDER BY item expression could not be mapped to a document path.');
    expect(errorOf('SELECT * FROM c ORDER BY c.a || c.b').message).toMatch(/could not be mapped to a document path/);
  });

  it("refuses SELECT * with JOIN ('only valid with a single input set')", () => {
    expect(errorOf('SELECT * FROM c JOIN t IN c.tags').message).toBe("'SELECT *' is only valid with a single input set.");
  });

  it('refuses aggregates outside the select list and ungrouped references', () => {
    expect(errorOf('SELECT * FROM c WHERE COUNT(1) > 1').message).toMatch(/WHERE/);
    expect(errorOf('SELECT c.a, c.b FROM c GROUP BY c.a').message).toBe(
      "Property reference 'c.b' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.",
    );
    expect(errorOf('SELECT c.a, COUNT(1) AS n FROM c').message).toMatch(/'c.a' is invalid in the select list/);
  });
});
