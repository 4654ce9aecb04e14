/**
 * SQL query engine of the local Azure Cosmos DB for NoSQL emulator: a pure library (no I/O).
 *
 * API (the server calls exactly these):
 *
 *   type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
 *
 *   class QueryError extends Error { readonly status = 400; code = 'BadRequest' }
 *     Thrown by compileQuery for anything the service answers with 400: syntax errors
 *     ("Syntax error, incorrect syntax near 'FORM'." / "Syntax error, unexpected end-of-file."),
 *     unknown functions ("'X' is not a recognized built-in function name."), unresolved
 *     identifiers ("Identifier 'x' could not be resolved."), parameters used but not supplied
 *     (the message names the parameter), ORDER BY on a non-path ("Unsupported ORDER BY clause. ...")
 *     and features the emulator refuses rather than answer wrongly ("Unsupported by the Cosmos DB
 *     emulator: ..."): subqueries (EXISTS, ARRAY(...), scalar, FROM/JOIN subqueries), udf.*,
 *     spatial ST_* functions, ORDER BY together with GROUP BY/aggregates.
 *
 *   interface SqlParameter { name: string; value: unknown }      // name with or without '@'
 *
 *   interface IndexPredicate { path: string[]; op: 'eq' | 'in' | 'range'; values?: JsonValue[];
 *     lower?: JsonValue; lowerInclusive?: boolean; upper?: JsonValue; upperInclusive?: boolean }
 *
 *   interface CompiledQuery {
 *     readonly indexPredicates: IndexPredicate[];
 *       Top-level WHERE conjuncts an index on `path` (from the root document; only when FROM is the
 *       plain container `FROM c` / `FROM root c`) answers exactly or as a superset: `c.x = v`,
 *       `c.x IN (...)`, `(c.x = v1 OR c.x = v2)` give eq/in; `<`, `<=`, `>`, `>=`, BETWEEN on one
 *       path are merged into one range. Values are constants (literals or parameters) of one JSON
 *       type per predicate (null/boolean/number/string for eq/in; number or string for ranges).
 *       Nothing under OR (other than same-path equalities), NOT, NOT IN, functions or on JOIN aliases.
 *       `run` always re-checks the full WHERE, so the server may use any one of them.
 *     readonly orderBy?: { path: string[]; descending: boolean };
 *       Present when ORDER BY has exactly one item, a plain property path of the root alias.
 *       A presorted source must use compareValues order and include documents that lack the
 *       property (Cosmos returns them; undefined sorts first ascending).
 *     readonly streaming: boolean;
 *       True when there is no ORDER BY, GROUP BY, aggregate or DISTINCT. (With `orderBy` set and
 *       `run(..., { presorted: true })`, run is incremental as well.)
 *     run(source, opts?: { presorted?: boolean }): Iterable<JsonValue>;
 *       Lazy: pulls documents from `source` only as results are consumed; each call is independent.
 *       Applies FROM/JOIN, WHERE, GROUP BY + aggregates, projection, ORDER BY (bounded heap for
 *       TOP/LIMIT, skipped when presorted), DISTINCT, OFFSET/LIMIT, TOP. Results may share
 *       structure with source documents (SELECT * yields the stored object): do not mutate them.
 *   }
 *
 *   function compileQuery(text: string, parameters?: SqlParameter[]): CompiledQuery;  // throws QueryError
 *   function compareValues(a: JsonValue | undefined, b: JsonValue | undefined): number;
 *     Cosmos cross-type order: undefined < null < false < true < numbers < strings < arrays < objects
 *     (arrays element-wise, objects by sorted keys: Cosmos uses an internal hash there).
 *
 * Semantics follow Cosmos DB: undefined propagates; comparisons across types yield undefined
 * (`x IN (...)` is undefined only when x is, otherwise a boolean, as in the SDK's reference evaluator);
 * AND/OR/NOT are three-valued and WHERE keeps only `true`; projection omits undefined properties
 * and SELECT VALUE skips undefined results; arithmetic on non-numbers or with a non-finite result
 * is undefined; SUM/AVG over any non-number are undefined; COUNT counts defined values; aggregates
 * over no rows give COUNT 0, SUM 0 and undefined for AVG/MIN/MAX.
 */
export type { JsonValue } from './values';
export { compareValues } from './values';
export { QueryError } from './errors';
export type { CompiledQuery, IndexPredicate, SqlParameter } from './engine';
export { compileQuery } from './engine';
