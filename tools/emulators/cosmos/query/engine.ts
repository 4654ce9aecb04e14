// Query planning and execution: FROM/JOIN expansion, WHERE, projection, GROUP BY and aggregates,
// DISTINCT, ORDER BY (bounded heap when TOP/LIMIT bounds the output), OFFSET/LIMIT and TOP; plus
// the index predicates and ORDER BY path the server may use to choose and order candidates.
import type { Expr, SelectQuery } from './ast';
import { type Fn, type Pred, type Row, type Scope, compileExpr, compilePredicate, paramValue } from './compile';
import { QueryError, unsupported } from './errors';
import { isAggregateName } from './functions';
import { parseQuery } from './parser';
import { type JsonValue, type Val, canonicalKey, compareValues, toQueryValue } from './values';

export interface SqlParameter { name: string; value: unknown }

export interface IndexPredicate {
  path: string[];
  op: 'eq' | 'in' | 'range';
  values?: JsonValue[];
  lower?: JsonValue;
  lowerInclusive?: boolean;
  upper?: JsonValue;
  upperInclusive?: boolean;
}

export interface CompiledQuery {
  readonly indexPredicates: IndexPredicate[];
  readonly orderBy?: { path: string[]; descending: boolean };
  readonly streaming: boolean;
  run(source: Iterable<Record<string, JsonValue>>, opts?: { presorted?: boolean }): Iterable<JsonValue>;
}

const ORDER_BY_NOT_PATH = 'Unsupported ORDER BY clause. ORDER BY item expression could not be mapped to a document path.';

export function compileQuery(text: string, parameters: SqlParameter[] = []): CompiledQuery {
  if (typeof text !== 'string' || text.trim() === '') throw new QueryError('The query text is empty.');
  const q = parseQuery(text);
  const params = new Map<string, Val>();
  for (const p of parameters ?? []) {
    if (!p || typeof p.name !== 'string') continue;
    params.set(p.name.startsWith('@') ? p.name : '@' + p.name, toQueryValue(p.value));
  }
  return new Plan(q, params);
}

// ---------------------------------------------------------------------------------------------

type Acc = { add(v: Val): void; result(): Val };

function makeAcc(name: string): Acc {
  switch (name) {
    case 'COUNT': {
      let n = 0;
      return { add: (v) => { if (v !== undefined) n++; }, result: () => n };
    }
    case 'SUM': {
      let s = 0;
      let bad = false;
      return {
        add: (v) => { if (v === undefined) return; if (typeof v === 'number') s += v; else bad = true; },
        result: () => (bad || !Number.isFinite(s) ? undefined : s),
      };
    }
    case 'AVG': {
      let s = 0;
      let n = 0;
      let bad = false;
      return {
        add: (v) => { if (v === undefined) return; if (typeof v === 'number') { s += v; n++; } else bad = true; },
        result: () => (bad || n === 0 || !Number.isFinite(s / n) ? undefined : s / n),
      };
    }
    default: {
      // MIN / MAX over null, booleans, numbers and strings (type order null < boolean < number < string); arrays and objects make the result undefined.
      const sign = name === 'MIN' ? -1 : 1;
      let best: Val;
      let bad = false;
      return {
        add: (v) => {
          if (v === undefined) return;
          if (v !== null && typeof v === 'object') { bad = true; return; }
          if (best === undefined || compareValues(v, best) * sign > 0) best = v;
        },
        result: () => (bad ? undefined : best),
      };
    }
  }
}

interface Group { keys: Val[]; accs: Acc[]; results: Val[] }

function containsAggregate(e: Expr | undefined): boolean {
  if (!e) return false;
  switch (e.k) {
    case 'call': return isAggregateName(e.name) || e.args.some(containsAggregate);
    case 'prop': return containsAggregate(e.obj);
    case 'index': return containsAggregate(e.obj) || containsAggregate(e.index);
    case 'unary': return containsAggregate(e.e);
    case 'bin': return containsAggregate(e.l) || containsAggregate(e.r);
    case 'in': return containsAggregate(e.e) || e.list.some(containsAggregate);
    case 'between': return containsAggregate(e.e) || containsAggregate(e.lo) || containsAggregate(e.hi);
    case 'like': return containsAggregate(e.e) || containsAggregate(e.pattern) || containsAggregate(e.escape);
    case 'cond': return containsAggregate(e.c) || containsAggregate(e.a) || containsAggregate(e.b);
    case 'obj': return e.props.some((p) => containsAggregate(p[1]));
    case 'arr': return e.items.some(containsAggregate);
    default: return false;
  }
}

/** `alias.a.b` / `alias["a"][0]` as [alias, 'a', 'b' | 0]; undefined when the expression is not a document path. */
function pathOf(e: Expr): { root: string; path: (string | number)[] } | undefined {
  const path: (string | number)[] = [];
  let cur = e;
  for (;;) {
    if (cur.k === 'prop') {
      path.unshift(cur.name);
      cur = cur.obj;
    } else if (cur.k === 'index' && cur.index.k === 'lit' && typeof cur.index.v === 'number') {
      path.unshift(cur.index.v);
      cur = cur.obj;
    } else if (cur.k === 'ident') {
      return { root: cur.name, path };
    } else return undefined;
  }
}

function renderPath(e: Expr): string {
  const p = pathOf(e);
  if (!p) return '<expression>';
  return p.root + p.path.map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('');
}

/** Outermost document reference in `e` that is neither inside an aggregate nor a GROUP BY key. */
function ungroupedReference(e: Expr, isKey: (e: Expr) => boolean): Expr | undefined {
  if (isKey(e)) return undefined;
  switch (e.k) {
    case 'ident': return e;
    case 'prop': case 'index': {
      // A path under a GROUP BY key (key `c.a`, item `c.a.b`) is fine; report the outermost path otherwise.
      const inner = e.k === 'prop' ? ungroupedReference(e.obj, isKey) : ungroupedReference(e.obj, isKey) ?? ungroupedReference(e.index, isKey);
      return inner && pathOf(e) ? e : inner;
    }
    case 'call': return isAggregateName(e.name) ? undefined : first(e.args, isKey);
    case 'unary': return ungroupedReference(e.e, isKey);
    case 'bin': return first([e.l, e.r], isKey);
    case 'in': return first([e.e, ...e.list], isKey);
    case 'between': return first([e.e, e.lo, e.hi], isKey);
    case 'like': return first(e.escape ? [e.e, e.pattern, e.escape] : [e.e, e.pattern], isKey);
    case 'cond': return first([e.c, e.a, e.b], isKey);
    case 'obj': return first(e.props.map((p) => p[1]), isKey);
    case 'arr': return first(e.items, isKey);
    default: return undefined;
  }
}
function first(es: Expr[], isKey: (e: Expr) => boolean): Expr | undefined {
  for (const x of es) {
    const r = ungroupedReference(x, isKey);
    if (r) return r;
  }
  return undefined;
}

interface Entry { keys: Val[]; seq: number; value: Val }

class Plan implements CompiledQuery {
  readonly indexPredicates: IndexPredicate[];
  readonly orderBy?: { path: string[]; descending: boolean };
  readonly streaming: boolean;

  private readonly aliases: string[];
  private readonly multi: boolean;
  private readonly plainRoot: boolean;
  private readonly fromValue?: Fn;
  private readonly fromIterate: boolean;
  private readonly joinFns: { fn: Fn; iterate: boolean }[] = [];
  private readonly where?: Pred;
  private readonly project: Fn;
  private readonly aggregate: boolean;
  private readonly groupKeyFns: Fn[] = [];
  private readonly aggDefs: { name: string; arg: Fn }[] = [];
  private readonly sortKeyFns: Fn[] = [];
  private readonly sortDesc: boolean[] = [];
  private readonly distinct: boolean;
  private readonly skip: number;
  private readonly take: number;

  constructor(private readonly q: SelectQuery, private readonly params: Map<string, Val>) {
    const from = q.from;
    this.aliases = from ? [from.alias, ...q.joins.map((j) => j.alias)] : [];
    const seen = new Set<string>();
    for (const a of this.aliases) {
      if (seen.has(a)) throw new QueryError(`The alias '${a}' is specified more than once in the FROM clause.`);
      seen.add(a);
    }
    this.multi = q.joins.length > 0;
    this.plainRoot = !!from && !from.iterate && from.expr.k === 'ident';
    this.fromIterate = !!from?.iterate;
    this.distinct = q.distinct;

    // FROM expression, relative to the root document bound as the container name.
    if (from && !this.plainRoot) {
      this.fromValue = compileExpr(from.expr, {
        alias: (n) => (n === from.rootName ? (d: Row) => d : undefined),
        aliasIsObject: () => true,
        params,
        clause: 'FROM',
      });
    }
    // JOIN expressions see the aliases bound before them.
    q.joins.forEach((j, idx) => {
      const visible = this.aliases.slice(0, idx + 1);
      this.joinFns.push({ fn: compileExpr(j.expr, this.rowScope('JOIN', visible)), iterate: j.iterate });
    });

    const scope = this.rowScope('WHERE', this.aliases);
    if (q.where) {
      if (containsAggregate(q.where)) throw new QueryError('Aggregate functions are not allowed in the WHERE clause.');
      this.where = compilePredicate(q.where, scope);
    }

    // Limits.
    const count = (e: Expr | undefined, clause: string): number | undefined => {
      if (!e) return undefined;
      const v = e.k === 'param' ? paramValue(scope, e.name) : e.k === 'lit' ? e.v : undefined;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw new QueryError(`The count value provided for the ${clause} clause must be a non-negative integer.`);
      }
      return v;
    };
    const top = count(q.top, 'TOP');
    const offset = count(q.offset, 'OFFSET');
    const limit = count(q.limit, 'LIMIT');
    this.skip = offset ?? 0;
    this.take = Math.min(top ?? Infinity, limit ?? Infinity);

    if (q.star && this.multi) throw new QueryError("'SELECT *' is only valid with a single input set.");

    // Aggregates and GROUP BY.
    this.aggregate = !!q.groupBy || q.items.some((i) => containsAggregate(i.expr));
    if (q.groupBy) {
      for (const g of q.groupBy) {
        if (containsAggregate(g)) throw new QueryError('Aggregate functions are not allowed in the GROUP BY clause.');
        this.groupKeyFns.push(compileExpr(g, { ...scope, clause: 'GROUP BY' }));
      }
      if (q.star) throw new QueryError("'SELECT *' is not valid with GROUP BY.");
    }

    // ORDER BY.
    if (q.orderBy) {
      if (this.aggregate) throw unsupported('ORDER BY together with GROUP BY or aggregate functions');
      for (const o of q.orderBy) {
        if (containsAggregate(o.expr)) throw new QueryError('Aggregate functions are not allowed in the ORDER BY clause.');
        const p = pathOf(o.expr);
        if (!p || p.path.length === 0 || !this.aliases.includes(p.root)) {
          if (o.expr.k === 'ident' && !this.aliases.includes(o.expr.name)) throw new QueryError(`Identifier '${o.expr.name}' could not be resolved.`);
          throw new QueryError(ORDER_BY_NOT_PATH);
        }
        this.sortKeyFns.push(compileExpr(o.expr, { ...scope, clause: 'ORDER BY' }));
        this.sortDesc.push(o.descending);
      }
      const only = q.orderBy.length === 1 ? pathOf(q.orderBy[0].expr) : undefined;
      if (only && this.plainRoot && only.root === from!.alias && only.path.every((s) => typeof s === 'string')) {
        this.orderBy = { path: only.path as string[], descending: q.orderBy[0].descending };
      }
    }

    this.project = this.aggregate ? this.compileGroupProjection(scope) : this.compileProjection(scope);
    this.streaming = !q.orderBy && !this.aggregate && !q.distinct;
    this.indexPredicates = this.plainRoot && q.where ? extractIndexPredicates(q.where, from!.alias, scope) : [];
  }

  private rowScope(clause: string, visible: string[]): Scope {
    const multi = this.multi;
    const aliases = this.aliases;
    const plainRoot = this.plainRoot;
    return {
      alias: (name) => {
        if (!visible.includes(name)) return undefined;
        if (!multi) return (r: Row) => r;
        const i = aliases.indexOf(name);
        return (r: Row) => r[i];
      },
      aliasIsObject: (name) => plainRoot && !multi && name === aliases[0],
      params: this.params,
      clause,
    };
  }

  /** Names of unaliased select items: the last property name of a path, the alias itself, or $1, $2, ... */
  private itemNames(): string[] {
    let unnamed = 0;
    const names = this.q.items.map((it) => {
      if (it.alias !== undefined) return it.alias;
      const e = it.expr;
      if (e.k === 'prop') return e.name;
      if (e.k === 'ident') return e.name;
      return `$${++unnamed}`;
    });
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) throw new QueryError(`The property name '${n}' is specified more than once in the select list.`);
      seen.add(n);
    }
    return names;
  }

  private compileProjection(scope: Scope): Fn {
    const q = this.q;
    const s = { ...scope, clause: 'SELECT' };
    if (q.star) return (r) => r;
    if (q.value) return compileExpr(q.items[0].expr, s);
    return this.objectProjection(q.items.map((i) => compileExpr(i.expr, s)));
  }

  private objectProjection(fns: Fn[]): Fn {
    const names = this.itemNames();
    if (fns.length === 1) {
      const [f] = fns;
      const [n] = names;
      return (r) => {
        const v = f(r);
        const o: Record<string, JsonValue> = {};
        if (v !== undefined) o[n] = v;
        return o;
      };
    }
    return (r) => {
      const o: Record<string, JsonValue> = {};
      for (let i = 0; i < fns.length; i++) {
        const v = fns[i](r);
        if (v !== undefined) o[names[i]] = v;
      }
      return o;
    };
  }

  /** Select list of an aggregate query, evaluated once per group over the group's keys and aggregate results. */
  private compileGroupProjection(scope: Scope): Fn {
    const q = this.q;
    const keyTexts = (q.groupBy ?? []).map((g) => JSON.stringify(g));
    const keyIndex = (e: Expr) => (keyTexts.length ? keyTexts.indexOf(JSON.stringify(e)) : -1);
    const argScope: Scope = { ...scope, clause: 'SELECT' };
    const override = (e: Expr): Fn | undefined => {
      const k = keyIndex(e);
      if (k >= 0) return (g: Group) => g.keys[k];
      if (e.k === 'call' && isAggregateName(e.name)) {
        const name = e.name.toUpperCase();
        if (e.args.length !== 1) throw new QueryError(`The ${name} function requires 1 argument(s).`);
        if (containsAggregate(e.args[0])) throw new QueryError('Cannot perform an aggregate function on an expression containing an aggregate or a subquery.');
        const slot = this.aggDefs.length;
        this.aggDefs.push({ name, arg: compileExpr(e.args[0], argScope) });
        return (g: Group) => g.results[slot];
      }
      return undefined;
    };
    const groupScope: Scope = {
      alias: () => undefined,
      aliasIsObject: () => false,
      params: this.params,
      override,
      clause: 'SELECT',
    };
    for (const it of q.items) {
      const bad = ungroupedReference(it.expr, (e) => keyIndex(e) >= 0);
      if (bad) {
        throw new QueryError(
          q.groupBy
            ? `Property reference '${renderPath(bad)}' is invalid in the select list because it is not contained in either an aggregate function or the GROUP BY clause.`
            : `Property reference '${renderPath(bad)}' is invalid in the select list because it is not contained in an aggregate function.`,
        );
      }
    }
    if (q.value) return compileExpr(q.items[0].expr, groupScope);
    return this.objectProjection(q.items.map((i) => compileExpr(i.expr, groupScope)));
  }

  // -------------------------------------------------------------------------------------------

  run(source: Iterable<Record<string, JsonValue>>, opts?: { presorted?: boolean }): Iterable<JsonValue> {
    return this.execute(source, !!opts?.presorted);
  }

  private *execute(source: Iterable<Record<string, JsonValue>>, presorted: boolean): Generator<JsonValue> {
    if (this.take === 0) return;
    let values: Iterable<Val>;
    if (this.aggregate) values = this.groups(source);
    else if (this.sortKeyFns.length && !(presorted && this.orderBy)) values = this.sorted(source);
    else values = this.projected(source);
    let skip = this.skip;
    let left = this.take;
    const seen = this.distinct ? new Set<string>() : undefined;
    for (const v of values) {
      if (v === undefined) continue;
      if (seen) {
        const k = canonicalKey(v);
        if (seen.has(k)) continue;
        seen.add(k);
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      yield v as JsonValue;
      if (--left <= 0) return;
    }
  }

  /** Rows (a value per FROM alias) that pass the WHERE clause, pulled lazily from the source. */
  private *rows(source: Iterable<Record<string, JsonValue>>): Generator<Row> {
    const where = this.where;
    if (!this.q.from) {
      if (!where || where(null)) yield null;
      return;
    }
    if (this.plainRoot && !this.multi) {
      if (where) {
        for (const d of source) if (where(d)) yield d;
      } else {
        yield* source;
      }
      return;
    }
    for (const d of source) {
      if (this.plainRoot) {
        yield* this.joined(d, where);
        continue;
      }
      const v = this.fromValue!(d);
      if (this.fromIterate) {
        if (!Array.isArray(v)) continue;
        for (const el of v) yield* this.joined(el, where);
      } else if (v !== undefined) {
        yield* this.joined(v, where);
      }
    }
  }

  private *joined(base: Val, where: Pred | undefined): Generator<Row> {
    if (!this.multi) {
      if (!where || where(base)) yield base;
      return;
    }
    const row: Val[] = new Array(this.aliases.length);
    row[0] = base;
    const joins = this.joinFns;
    function* rec(j: number): Generator<Row> {
      if (j === joins.length) {
        if (!where || where(row)) yield row.slice();
        return;
      }
      const v = joins[j].fn(row);
      if (joins[j].iterate) {
        if (!Array.isArray(v)) return;
        for (const el of v) {
          row[j + 1] = el;
          yield* rec(j + 1);
        }
      } else if (v !== undefined) {
        row[j + 1] = v;
        yield* rec(j + 1);
      }
    }
    yield* rec(0);
  }

  private *projected(source: Iterable<Record<string, JsonValue>>): Generator<Val> {
    const project = this.project;
    for (const r of this.rows(source)) yield project(r);
  }

  private compareEntries = (a: Entry, b: Entry): number => {
    const n = this.sortDesc.length;
    for (let i = 0; i < n; i++) {
      const c = compareValues(a.keys[i], b.keys[i]);
      if (c !== 0) return this.sortDesc[i] ? -c : c;
    }
    return a.seq - b.seq;
  };

  /** ORDER BY without a presorted source: a bounded max-heap when TOP/LIMIT bounds the output, else a full sort. */
  private *sorted(source: Iterable<Record<string, JsonValue>>): Generator<Val> {
    const keyFns = this.sortKeyFns;
    const project = this.project;
    const cmp = this.compareEntries;
    const bound = this.distinct ? Infinity : this.skip + this.take;
    let seq = 0;
    const entries: Entry[] = [];
    for (const r of this.rows(source)) {
      const value = project(r);
      if (value === undefined) continue;
      const entry: Entry = { keys: keyFns.map((f) => f(r)), seq: seq++, value };
      if (entries.length < bound) {
        entries.push(entry);
        if (bound !== Infinity) siftUp(entries, entries.length - 1, cmp);
      } else if (cmp(entry, entries[0]) < 0) {
        entries[0] = entry;
        siftDown(entries, 0, cmp);
      }
    }
    entries.sort(cmp);
    for (const e of entries) yield e.value;
  }

  private *groups(source: Iterable<Record<string, JsonValue>>): Generator<Val> {
    const keyFns = this.groupKeyFns;
    const defs = this.aggDefs;
    const newGroup = (keys: Val[]): Group => ({ keys, accs: defs.map((d) => makeAcc(d.name)), results: [] });
    const groups = new Map<string, Group>();
    let single: Group | undefined = keyFns.length === 0 ? newGroup([]) : undefined;
    for (const r of this.rows(source)) {
      let g = single;
      if (!g) {
        const keys = keyFns.map((f) => f(r));
        const k = keys.length === 1 ? canonicalKey(keys[0]) : keys.map(canonicalKey).join('\u0000');
        g = groups.get(k);
        if (!g) {
          g = newGroup(keys);
          groups.set(k, g);
        }
      }
      for (let i = 0; i < defs.length; i++) g.accs[i].add(defs[i].arg(r));
    }
    const all = single ? [single] : groups.values();
    single = undefined;
    for (const g of all) {
      g.results = g.accs.map((a) => a.result());
      yield this.project(g);
    }
  }
}

function siftUp<T>(h: T[], i: number, cmp: (a: T, b: T) => number): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (cmp(h[i], h[p]) <= 0) return;
    [h[i], h[p]] = [h[p], h[i]];
    i = p;
  }
}

function siftDown<T>(h: T[], i: number, cmp: (a: T, b: T) => number): void {
  const n = h.length;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < n && cmp(h[l], h[m]) > 0) m = l;
    if (r < n && cmp(h[r], h[m]) > 0) m = r;
    if (m === i) return;
    [h[i], h[m]] = [h[m], h[i]];
    i = m;
  }
}

// ---------------------------------------------------------------------------------------------
// Index predicates

function conjuncts(e: Expr, out: Expr[] = []): Expr[] {
  if (e.k === 'bin' && e.op === 'AND') {
    conjuncts(e.l, out);
    conjuncts(e.r, out);
  } else out.push(e);
  return out;
}

function disjuncts(e: Expr, out: Expr[] = []): Expr[] {
  if (e.k === 'bin' && e.op === 'OR') {
    disjuncts(e.l, out);
    disjuncts(e.r, out);
  } else out.push(e);
  return out;
}

/** An indexable constant: a literal or parameter (possibly negated) holding null, a boolean, a number or a string. */
function constantOf(e: Expr, scope: Scope): { v: JsonValue } | undefined {
  let v: Val;
  if (e.k === 'lit') v = e.v;
  else if (e.k === 'param') v = paramValue(scope, e.name);
  else return undefined;
  if (v === undefined || (v !== null && typeof v === 'object')) return undefined;
  return { v };
}

function rootPath(e: Expr, alias: string): string[] | undefined {
  const p = pathOf(e);
  if (!p || p.root !== alias || p.path.length === 0 || p.path.some((s) => typeof s !== 'string')) return undefined;
  return p.path as string[];
}

const typeOfJson = (v: JsonValue) => (v === null ? 'null' : typeof v);

/** Equality `path = const` (either side), as [path, value]. */
function equality(e: Expr, alias: string, scope: Scope): [string[], JsonValue] | undefined {
  if (e.k !== 'bin' || e.op !== '=') return undefined;
  const lp = rootPath(e.l, alias);
  const rc = constantOf(e.r, scope);
  if (lp && rc) return [lp, rc.v];
  const rp = rootPath(e.r, alias);
  const lc = constantOf(e.l, scope);
  if (rp && lc) return [rp, lc.v];
  return undefined;
}

function extractIndexPredicates(where: Expr, alias: string, scope: Scope): IndexPredicate[] {
  const out: IndexPredicate[] = [];
  const ranges = new Map<string, { path: string[]; lower?: JsonValue; lowerInclusive?: boolean; upper?: JsonValue; upperInclusive?: boolean; type?: string; broken?: boolean }>();
  const addBound = (path: string[], side: 'lower' | 'upper', v: JsonValue, inclusive: boolean) => {
    const key = JSON.stringify(path);
    let r = ranges.get(key);
    if (!r) ranges.set(key, (r = { path }));
    const t = typeOfJson(v);
    if (t !== 'number' && t !== 'string') {
      r.broken = true;
      return;
    }
    if (r.type && r.type !== t) r.broken = true;
    r.type = t;
    if (side === 'lower') {
      const c = r.lower === undefined ? 1 : compareValues(v, r.lower);
      if (c > 0 || (c === 0 && !inclusive)) {
        r.lower = v;
        r.lowerInclusive = inclusive;
      }
    } else {
      const c = r.upper === undefined ? -1 : compareValues(v, r.upper);
      if (c < 0 || (c === 0 && !inclusive)) {
        r.upper = v;
        r.upperInclusive = inclusive;
      }
    }
  };
  for (const c of conjuncts(where)) {
    const eq = equality(c, alias, scope);
    if (eq) {
      out.push({ path: eq[0], op: 'eq', values: [eq[1]] });
      continue;
    }
    if (c.k === 'in' && !c.not) {
      const path = rootPath(c.e, alias);
      const values = c.list.map((x) => constantOf(x, scope));
      if (path && values.every((v) => v) && new Set(values.map((v) => typeOfJson(v!.v))).size === 1) {
        out.push({ path, op: 'in', values: dedupe(values.map((v) => v!.v)) });
      }
      continue;
    }
    if (c.k === 'bin' && c.op === 'OR') {
      const eqs = disjuncts(c).map((d) => equality(d, alias, scope));
      if (eqs.every((x) => x) && eqs.every((x) => JSON.stringify(x![0]) === JSON.stringify(eqs[0]![0])) && new Set(eqs.map((x) => typeOfJson(x![1]))).size === 1) {
        out.push({ path: eqs[0]![0], op: 'in', values: dedupe(eqs.map((x) => x![1])) });
      }
      continue;
    }
    if (c.k === 'between' && !c.not) {
      const path = rootPath(c.e, alias);
      const lo = constantOf(c.lo, scope);
      const hi = constantOf(c.hi, scope);
      if (path && lo && hi) {
        addBound(path, 'lower', lo.v, true);
        addBound(path, 'upper', hi.v, true);
      }
      continue;
    }
    if (c.k === 'bin' && (c.op === '<' || c.op === '<=' || c.op === '>' || c.op === '>=')) {
      let path = rootPath(c.l, alias);
      let k = constantOf(c.r, scope);
      let op: string = c.op;
      if (!path || !k) {
        path = rootPath(c.r, alias);
        k = constantOf(c.l, scope);
        op = op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : '<=';
      }
      if (!path || !k) continue;
      if (op === '>' || op === '>=') addBound(path, 'lower', k.v, op === '>=');
      else addBound(path, 'upper', k.v, op === '<=');
    }
  }
  for (const r of ranges.values()) {
    if (r.broken) continue;
    const p: IndexPredicate = { path: r.path, op: 'range' };
    if (r.lower !== undefined) {
      p.lower = r.lower;
      p.lowerInclusive = r.lowerInclusive;
    }
    if (r.upper !== undefined) {
      p.upper = r.upper;
      p.upperInclusive = r.upperInclusive;
    }
    out.push(p);
  }
  return out;
}

function dedupe(values: JsonValue[]): JsonValue[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = canonicalKey(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
