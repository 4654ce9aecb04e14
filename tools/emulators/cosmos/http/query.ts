// Queries, read feeds and the change feed of a container.
//
// A query is compiled by the engine (../query) and run lazily over a source chosen here: one
// logical partition (x-ms-documentdb-partitionkey, or `pk = …` / `pk IN (…)` on the partition key
// path), the most selective property index named by the engine's indexPredicates (built on first
// use), or the whole container. An index on the ORDER BY path feeds the engine presorted input.
// Pages end at x-ms-max-item-count (default 1000) or 4 MB. A continuation names a live cursor
// (kept 5 minutes); when it is gone (restart, eviction) the query is recomputed and the items
// already returned are skipped, which is exact while the container is unchanged.
import { createHash, randomUUID } from 'node:crypto';
import { compileQuery, QueryError, type CompiledQuery, type IndexPredicate, type JsonValue } from '../query';
import { ContainerStore } from '../store/container';
import { encodeComposite } from '../store/pathIndex';
import type { DocEntry } from '../store/docEntry';
import { badRequest, CosmosError } from './errors';
import { partitionKeyFromHeader } from './documents';
import { header, parseObjectBody, sessionToken, type Reply, type Request } from './context';

const DEFAULT_PAGE = 1000;
const MAX_PAGE_BYTES = 4 * 1024 * 1024;
const CURSOR_IDLE_MS = 5 * 60_000;
const MAX_CURSORS = 500;

interface Cursor {
  id: string;
  fingerprint: string;
  iterator: Iterator<unknown>;
  peeked: IteratorResult<unknown> | undefined;
  returned: number;
  lastUsed: number;
}

const cursors = new Map<string, Cursor>();

function sweepCursors(now: number): void {
  for (const [id, cursor] of cursors) {
    if (now - cursor.lastUsed > CURSOR_IDLE_MS) cursors.delete(id);
  }
  while (cursors.size > MAX_CURSORS) cursors.delete(cursors.keys().next().value as string);
}

/** Forgets all cursors (the server stops; tests simulate a restart). */
export function dropCursors(): void {
  cursors.clear();
}

// ---- compiled query cache ----

const compiledCache = new Map<string, CompiledQuery>();

function compile(text: string, parameters: { name: string; value: JsonValue }[], key: string): CompiledQuery {
  let compiled = compiledCache.get(key);
  if (compiled) {
    compiledCache.delete(key);
    compiledCache.set(key, compiled);
    return compiled;
  }
  try {
    compiled = compileQuery(text, parameters);
  } catch (error) {
    if (error instanceof QueryError) throw new CosmosError(error.status ?? 400, error.message);
    throw error;
  }
  compiledCache.set(key, compiled);
  if (compiledCache.size > 500) compiledCache.delete(compiledCache.keys().next().value as string);
  return compiled;
}

interface QuerySpec {
  text: string;
  parameters: { name: string; value: JsonValue }[];
  key: string;
}

function querySpec(req: Request): QuerySpec {
  const body = parseObjectBody(req);
  if (typeof body.query !== 'string') throw badRequest('The query body must hold "query", a string.');
  const parameters = body.parameters ?? [];
  if (!Array.isArray(parameters) || parameters.some((p) => p === null || typeof p !== 'object' || typeof (p as { name?: unknown }).name !== 'string')) {
    throw badRequest('The query "parameters" must be an array of {name, value}.');
  }
  const params = parameters as { name: string; value: JsonValue }[];
  return { text: body.query, parameters: params, key: JSON.stringify([body.query, params]) };
}

// ---- source selection ----

interface Source {
  entries: Iterable<DocEntry>;
  presorted: boolean;
  /** For tests and logs: which access path answered. */
  plan: string;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function* chainPartitions(container: ContainerStore, keys: string[]): Generator<DocEntry> {
  for (const k of new Set(keys)) {
    const partition = container.partitions.get(k);
    if (partition) yield* partition.values();
  }
}

function predicateValues(p: IndexPredicate): JsonValue[] {
  return p.op === 'eq' ? (p.values ?? []).slice(0, 1) : (p.values ?? []);
}

type Candidate = { cost: number; plan: string; run: () => Iterable<DocEntry>; orderedBy?: { path: readonly string[]; descending: boolean } };

const MAX_COMBINATIONS = 16;
/** A composite index is only worth building (and maintaining) when the best other path reads more. */
const COMPOSITE_WORTH = 5000;

/**
 * When no single predicate is selective, the conjunction often is (kind = … AND windowMinutes = …
 * AND windowStart in [from, to)): a composite index on the equality paths (sorted) plus the range
 * path answers it as one range per combination of the equality values, in the range path's order
 * when there is one combination. Built on first use like the single-path ones.
 */
interface CompositePlan {
  eqs: IndexPredicate[];
  range: IndexPredicate | undefined;
  combinations: JsonValue[][];
}

function compositePlan(compiled: CompiledQuery, pkPath: string[] | undefined): CompositePlan | undefined {
  const preds = (compiled.indexPredicates ?? []).filter((p) => Array.isArray(p.path) && p.path.length > 0);
  const eqs = preds
    .filter((p) => (p.op === 'eq' || p.op === 'in') && (p.values?.length ?? 0) > 0 && !(pkPath && sameStrings(p.path, pkPath)))
    .sort((a, b) => (a.path.join('.') < b.path.join('.') ? -1 : 1))
    .slice(0, 3);
  if (eqs.length === 0) return undefined;
  const orderBy = compiled.orderBy;
  const ranges = preds.filter((p) => p.op === 'range');
  const range = ranges.find((r) => orderBy && sameStrings(r.path, orderBy.path)) ?? ranges[0];
  if (!range && eqs.length < 2) return undefined;
  let combinations: JsonValue[][] = [[]];
  for (const p of eqs) {
    const values = predicateValues(p);
    const next: JsonValue[][] = [];
    for (const c of combinations) for (const v of values) next.push([...c, v]);
    combinations = next;
    if (combinations.length > MAX_COMBINATIONS) return undefined;
  }
  return { eqs, range, combinations };
}

function compositeCandidate(container: ContainerStore, compiled: CompiledQuery, pk: string | undefined, plan: CompositePlan | undefined, bestCost: number): Candidate | undefined {
  if (!plan || bestCost <= COMPOSITE_WORTH) return undefined;
  const { eqs, range, combinations } = plan;
  const orderBy = compiled.orderBy;
  const paths = [...eqs.map((p) => p.path), ...(range ? [range.path] : [])];
  const index = container.compositeIndex(paths);
  if (!index) return undefined;
  const descending = range !== undefined && orderBy !== undefined && sameStrings(orderBy.path, range.path) && orderBy.descending;
  // Bounds per combination: [...eq, lower] … [...eq, upper]; an open end stays inside the prefix
  // ([] sorts after every number and string, the only types a range predicate compares).
  const bounds: { lo: JsonValue; li: boolean; hi: JsonValue; hi_: boolean }[] = [];
  for (const c of combinations) {
    const b = !range
      ? { lo: encodeComposite(c), li: true, hi: encodeComposite(c), hi_: true }
      : {
          lo: encodeComposite(range.lower === undefined ? c : [...c, range.lower]),
          li: range.lower === undefined ? true : range.lowerInclusive !== false,
          hi: encodeComposite(range.upper === undefined ? [...c, []] : [...c, range.upper]),
          hi_: range.upper === undefined ? false : range.upperInclusive === true,
        };
    // A bound that cannot be encoded (an object value) matches nothing in the index.
    if (b.lo === undefined || b.hi === undefined) continue;
    bounds.push(b as { lo: JsonValue; li: boolean; hi: JsonValue; hi_: boolean });
  }
  const cost = bounds.reduce((n, b) => n + index.countRange(b.lo, b.li, b.hi, b.hi_), 0);
  const scoped = pk;
  return {
    cost,
    plan: `composite ${paths.map((p) => p.join('.')).join(',')}`,
    run: function* () {
      for (const b of descending ? [...bounds].reverse() : bounds) {
        for (const e of index.range(b.lo, b.li, b.hi, b.hi_, descending)) if (scoped === undefined || e.pk === scoped) yield e;
      }
    },
    orderedBy: range && combinations.length === 1 ? { path: range.path, descending } : undefined,
  };
}

/** Picks the cheapest access path for the query's predicates (and ORDER BY). */
export function chooseSource(container: ContainerStore, compiled: CompiledQuery, pk: string | undefined): Source {
  const candidates: Candidate[] = [];
  if (pk !== undefined) {
    candidates.push({ cost: container.partitionSize(pk), plan: 'partition', run: () => container.scan(pk) });
  } else {
    candidates.push({ cost: container.count, plan: 'scan', run: () => container.scan() });
  }
  const single = container.pkPaths.length === 1 ? container.pkPaths[0] : undefined;
  const orderBy = compiled.orderBy;
  // Predicates a composite index would answer together need no single-path index of their own
  // (one that already exists is still considered).
  const plan = container.count > COMPOSITE_WORTH ? compositePlan(compiled, single) : undefined;
  const covered = new Set<IndexPredicate>(plan ? [...plan.eqs, ...(plan.range ? [plan.range] : [])] : []);
  for (const p of compiled.indexPredicates ?? []) {
    if (!Array.isArray(p.path) || p.path.length === 0) continue;
    if (covered.has(p) && !container.hasIndex(p.path)) continue;
    if (p.op === 'eq' || p.op === 'in') {
      const values = predicateValues(p);
      if (pk === undefined && single && sameStrings(p.path, single)) {
        const keys = values.map((v) => JSON.stringify([v]));
        const cost = keys.reduce((n, k) => n + container.partitionSize(k), 0);
        candidates.push({ cost, plan: `partitions ${p.path.join('.')}`, run: () => chainPartitions(container, keys) });
        continue;
      }
      const index = container.index(p.path);
      const descending = orderBy !== undefined && sameStrings(orderBy.path, p.path) && orderBy.descending;
      candidates.push({
        cost: index.countEqual(values),
        plan: `index ${p.path.join('.')} =`,
        run: () => index.equal(values, descending),
        orderedBy: { path: p.path, descending },
      });
    } else if (p.op === 'range') {
      const index = container.index(p.path);
      const lower = p.lower as JsonValue | undefined;
      const upper = p.upper as JsonValue | undefined;
      const li = p.lowerInclusive !== false;
      const ui = p.upperInclusive === true;
      const cost = index.countRange(lower, li, upper, ui);
      const descending = orderBy !== undefined && sameStrings(orderBy.path, p.path) && orderBy.descending;
      candidates.push({
        cost,
        plan: `index ${p.path.join('.')} range`,
        run: () => index.range(lower, li, upper, ui, descending),
        orderedBy: { path: p.path, descending },
      });
    }
  }
  candidates.sort((a, b) => a.cost - b.cost);
  const composite = compositeCandidate(container, compiled, pk, plan, candidates[0].cost);
  if (composite) {
    candidates.push(composite);
    candidates.sort((a, b) => a.cost - b.cost);
  }
  let best = candidates[0];
  let presorted = false;
  if (orderBy && Array.isArray(orderBy.path) && orderBy.path.length > 0) {
    // A range on the ORDER BY path within 4x of the best: take it, sorted for free.
    const ordered = candidates.find((c) => c.orderedBy && sameStrings(c.orderedBy.path, orderBy.path));
    if (ordered && ordered.cost <= Math.max(best.cost * 4, 1000)) {
      best = ordered;
      presorted = true;
    } else if (best.cost > 10_000) {
      // Nothing selective: walk the ORDER BY index (only if every document has the property).
      const index = container.index(orderBy.path);
      if (index.undefinedCount === 0) {
        best = { cost: index.sorted.size, plan: `index ${orderBy.path.join('.')} order`, run: () => index.range(undefined, true, undefined, true, orderBy.descending) };
        presorted = true;
      }
    }
  }
  const chosen = best;
  const now = Date.now();
  const scoped = pk !== undefined && chosen.plan.startsWith('index');
  function* live(): Generator<DocEntry> {
    for (const e of chosen.run()) {
      if (scoped && e.pk !== pk) continue;
      if (e.expiresAt !== undefined && e.expiresAt <= now) continue;
      yield e;
    }
  }
  return { entries: live(), presorted, plan: chosen.plan };
}

function* docsOf(entries: Iterable<DocEntry>): Generator<Record<string, unknown>> {
  for (const e of entries) yield e.doc;
}

// ---- paging ----

function pageSize(req: Request): number {
  const raw = header(req, 'x-ms-max-item-count');
  if (raw === undefined) return DEFAULT_PAGE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n === 0 || n < -1) throw badRequest(`Invalid value '${raw}' for the x-ms-max-item-count header: a positive integer or -1 was expected.`);
  return n === -1 ? DEFAULT_PAGE : n;
}

interface Token {
  c: string;
  n: number;
  f: string;
}

function parseToken(raw: string): Token {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Token;
    if (typeof t.c === 'string' && Number.isInteger(t.n) && t.n >= 0 && typeof t.f === 'string') return t;
  } catch {
    // fall through
  }
  throw badRequest('Invalid continuation token: it was not issued by this emulator for this request.');
}

function fingerprint(kind: string, container: ContainerStore, scope: string | undefined, key: string): string {
  return createHash('sha1').update(`${kind}\n${container.rid}\n${scope ?? ''}\n${key}`).digest('base64url').slice(0, 16);
}

/** One page from a cursor (live, or rebuilt by `start()` and skipping what was returned). */
function page(req: Request, container: ContainerStore, fp: string, start: () => Iterator<unknown>, max: number, extra: Record<string, string | number> = {}): Reply {
  const now = Date.now();
  sweepCursors(now);
  const raw = header(req, 'x-ms-continuation');
  let cursor: Cursor | undefined;
  if (raw) {
    const token = parseToken(raw);
    if (token.f !== fp) throw badRequest('Invalid continuation token: it belongs to a different query.');
    cursor = cursors.get(token.c);
    if (!cursor || cursor.returned !== token.n) {
      // The cursor is gone (or the token is an older one): recompute and skip what was returned.
      const iterator = start();
      for (let i = 0; i < token.n; i++) if (iterator.next().done) break;
      cursor = { id: randomUUID(), fingerprint: fp, iterator, peeked: undefined, returned: token.n, lastUsed: now };
    } else cursors.delete(cursor.id);
  } else {
    cursor = { id: randomUUID(), fingerprint: fp, iterator: start(), peeked: undefined, returned: 0, lastUsed: now };
  }
  const parts: string[] = [];
  let bytes = 0;
  let next = cursor.peeked ?? cursor.iterator.next();
  cursor.peeked = undefined;
  while (!next.done && parts.length < max && bytes < MAX_PAGE_BYTES) {
    const text = JSON.stringify(next.value);
    parts.push(text === undefined ? '{}' : text);
    bytes += text?.length ?? 2;
    next = cursor.iterator.next();
  }
  cursor.returned += parts.length;
  const headers: Record<string, string | number> = {
    'x-ms-item-count': parts.length,
    'x-ms-session-token': sessionToken(container),
    ...extra,
  };
  if (!next.done) {
    cursor.peeked = next;
    cursor.lastUsed = now;
    cursors.set(cursor.id, cursor);
    headers['x-ms-continuation'] = Buffer.from(JSON.stringify({ c: cursor.id, n: cursor.returned, f: fp })).toString('base64url');
  }
  return {
    status: 200,
    headers,
    body: `{"_rid":${JSON.stringify(container.rid)},"Documents":[${parts.join(',')}],"_count":${parts.length}}`,
  };
}

function queryScope(req: Request, container: ContainerStore): string | undefined {
  const raw = header(req, 'x-ms-documentdb-partitionkey');
  if (raw === undefined) return undefined;
  try {
    return partitionKeyFromHeader(container, raw, false);
  } catch (error) {
    if (error instanceof CosmosError && container.pkPaths.length > 1) {
      throw badRequest('Queries scoped to a prefix of a hierarchical partition key are not supported by this emulator; give every component.');
    }
    throw error;
  }
}

export function runQuery(req: Request, container: ContainerStore): Reply {
  const spec = querySpec(req);
  const compiled = compile(spec.text, spec.parameters, spec.key);
  const scope = queryScope(req, container);
  const fp = fingerprint('q', container, scope, spec.key);
  const start = () => {
    const source = chooseSource(container, compiled, scope);
    return compiled.run(docsOf(source.entries) as Iterable<never>, { presorted: source.presorted })[Symbol.iterator]();
  };
  return page(req, container, fp, start, pageSize(req));
}

/** The query plan: everything is evaluated here, so the SDK is told to pass pages through. */
export function queryPlan(req: Request, container: ContainerStore): Reply {
  const spec = querySpec(req);
  compile(spec.text, spec.parameters, spec.key); // the service answers 400 for a bad query here too
  return {
    status: 200,
    body: {
      partitionedQueryExecutionInfoVersion: 2,
      queryInfo: {
        distinctType: 'None',
        top: null,
        offset: null,
        limit: null,
        orderBy: [],
        orderByExpressions: [],
        groupByExpressions: [],
        groupByAliases: [],
        aggregates: [],
        groupByAliasToAggregateType: {},
        rewrittenQuery: '',
        hasSelectValue: false,
        hasNonStreamingOrderBy: false,
      },
      queryRanges: [{ min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false }],
    },
    headers: { 'x-ms-session-token': sessionToken(container) },
  };
}

/** GET …/docs without a-im: every document (of one partition with the header). */
export function readFeed(req: Request, container: ContainerStore): Reply {
  const scope = queryScope(req, container);
  const fp = fingerprint('feed', container, scope, '');
  return page(req, container, fp, () => docsOf(container.scan(scope)), pageSize(req));
}

// ---- change feed (latest version) ----

function parseLsn(raw: string): number {
  const n = Number(raw.replace(/"/g, ''));
  if (!Number.isInteger(n) || n < 0) throw badRequest(`Invalid change feed continuation '${raw}'.`);
  return n;
}

export function changeFeed(req: Request, container: ContainerStore): Reply {
  const mode = header(req, 'a-im');
  if (mode?.toLowerCase() !== 'incremental feed') {
    throw badRequest(`Change feed mode '${String(mode)}' is not supported by this emulator (only latest version, "Incremental feed").`);
  }
  const scope = queryScope(req, container);
  const ifNoneMatch = header(req, 'if-none-match');
  const headers = { 'x-ms-session-token': sessionToken(container) };
  if (ifNoneMatch === '*') return { status: 304, headers: { ...headers, etag: `"${container.lsn}"` } };
  const after = ifNoneMatch ? parseLsn(ifNoneMatch) : 0;
  const since = header(req, 'if-modified-since');
  const sinceMs = since !== undefined && !ifNoneMatch ? Date.parse(since) : NaN;
  const max = pageSize(req) === DEFAULT_PAGE && header(req, 'x-ms-max-item-count') === undefined ? 100 : pageSize(req);
  const now = Date.now();
  const parts: string[] = [];
  let last = after;
  for (const e of container.byLsn.range(after, false, undefined, false)) {
    if (parts.length >= max) break;
    if (scope !== undefined && e.pk !== scope) continue;
    if (!ContainerStore.isLive(e, now)) continue;
    if (!Number.isNaN(sinceMs) && e.tsMs < sinceMs) continue;
    parts.push(JSON.stringify({ ...e.doc, _lsn: e.lsn }));
    last = e.lsn;
  }
  if (parts.length === 0) return { status: 304, headers: { ...headers, etag: `"${Math.max(container.lsn, after)}"` } };
  // When the page is not full everything up to the container's LSN was seen.
  const etag = parts.length < max ? Math.max(container.lsn, last) : last;
  return {
    status: 200,
    headers: { ...headers, etag: `"${etag}"`, 'x-ms-item-count': parts.length },
    body: `{"_rid":${JSON.stringify(container.rid)},"Documents":[${parts.join(',')}],"_count":${parts.length}}`,
  };
}

