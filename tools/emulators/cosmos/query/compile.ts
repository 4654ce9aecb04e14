// Compiles expressions once into closures (no tree walk per document). Constant sub-expressions
// (literals and parameters) are folded at compile time.
import type { Expr } from './ast';
import { QueryError } from './errors';
import { isAggregateName, lookupBuiltIn } from './functions';
import { type JsonValue, type Val, isObject, sqlCompare, sqlEquals, typeRank } from './values';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = any;
export type Fn = (row: Row) => Val;
export type Pred = (row: Row) => boolean;

export interface Scope {
  /** Accessor of a FROM/JOIN alias, or undefined when the name is not an alias. */
  alias(name: string): Fn | undefined;
  /** True when the alias always holds an object (the root document), which lets property access skip a type check. */
  aliasIsObject(name: string): boolean;
  params: Map<string, Val>;
  /** Replaces a sub-expression (used for GROUP BY keys and aggregates in the select list). */
  override?: (e: Expr) => Fn | undefined;
  /** Where the expression appears, for error messages (e.g. 'WHERE'). */
  clause: string;
}

interface C {
  fn: Fn;
  /** Present when the expression's value is known at compile time. */
  konst?: { v: Val };
}

const PROTO_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));
const hasOwn = Object.prototype.hasOwnProperty;

function constant(v: Val): C {
  return { fn: () => v, konst: { v } };
}

export function paramValue(scope: Scope, name: string): Val {
  const key = name;
  if (!scope.params.has(key)) throw new QueryError(`Parameter '${name}' is not defined: the query uses it but no value was supplied for it.`);
  return scope.params.get(key);
}

/** Compiles an expression to a value-producing closure. */
export function compileExpr(e: Expr, scope: Scope): Fn {
  return compile(e, scope).fn;
}

/** Compiles an expression used as a filter: the closure returns true exactly when the value is boolean true. */
export function compilePredicate(e: Expr, scope: Scope): Pred {
  const o = scope.override?.(e);
  if (o) return (r) => o(r) === true;
  if (e.k === 'bin' && e.op === 'AND') {
    const l = compilePredicate(e.l, scope);
    const r = compilePredicate(e.r, scope);
    return (row) => l(row) && r(row);
  }
  if (e.k === 'bin' && e.op === 'OR') {
    const l = compilePredicate(e.l, scope);
    const r = compilePredicate(e.r, scope);
    return (row) => l(row) || r(row);
  }
  const c = compile(e, scope);
  if (c.konst) {
    const t = c.konst.v === true;
    return () => t;
  }
  // Fast paths: path <op> constant, as in `c.kind = @k` and `c.n >= @x`.
  if (e.k === 'bin' && ['=', '!=', '<', '<=', '>', '>='].includes(e.op)) {
    const l = compile(e.l, scope);
    const r = compile(e.r, scope);
    if (!l.konst && r.konst) return comparePredicate(e.op, l.fn, r.konst.v) ?? ((row) => c.fn(row) === true);
    if (l.konst && !r.konst) return comparePredicate(flip(e.op), r.fn, l.konst.v) ?? ((row) => c.fn(row) === true);
  }
  const fn = c.fn;
  return (row) => fn(row) === true;
}

function flip(op: string): string {
  return op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : op === '>=' ? '<=' : op;
}

function comparePredicate(op: string, get: Fn, k: Val): Pred | undefined {
  if (typeof k === 'string' || typeof k === 'number') {
    const t = typeof k;
    switch (op) {
      case '=': return (r) => get(r) === k;
      case '!=': return (r) => { const v = get(r); return typeof v === t && v !== k; };
      case '<': return (r) => { const v = get(r); return typeof v === t && (v as number) < (k as number); };
      case '<=': return (r) => { const v = get(r); return typeof v === t && (v as number) <= (k as number); };
      case '>': return (r) => { const v = get(r); return typeof v === t && (v as number) > (k as number); };
      case '>=': return (r) => { const v = get(r); return typeof v === t && (v as number) >= (k as number); };
    }
  }
  if (typeof k === 'boolean' || k === null) {
    if (op === '=') return (r) => get(r) === k;
  }
  if (k === undefined) return () => false;
  return undefined;
}

function compile(e: Expr, scope: Scope): C {
  const o = scope.override?.(e);
  if (o) return { fn: o };
  switch (e.k) {
    case 'lit':
      return constant(e.v);
    case 'param':
      return constant(paramValue(scope, e.name));
    case 'ident': {
      const fn = scope.alias(e.name);
      if (!fn) throw new QueryError(`Identifier '${e.name}' could not be resolved.`);
      return { fn };
    }
    case 'prop':
      return compileProp(e, scope);
    case 'index': {
      const obj = compile(e.obj, scope);
      const idx = compile(e.index, scope);
      return fold([obj, idx], ([o, i]) => indexValue(o, i));
    }
    case 'unary':
      return compileUnary(e.op, compile(e.e, scope));
    case 'bin':
      return compileBinary(e.op, compile(e.l, scope), compile(e.r, scope));
    case 'in': {
      const x = compile(e.e, scope);
      const list = e.list.map((i) => compile(i, scope));
      const not = e.not;
      if (list.every((i) => i.konst)) {
        const values = list.map((i) => i.konst!.v);
        const prims = values.every((v) => v === null || typeof v !== 'object');
        const set = prims ? new Set(values) : undefined;
        const test = (v: Val): Val => {
          if (v === undefined) return undefined;
          if (set && (v === null || typeof v !== 'object')) {
            if (set.has(v)) return !not;
          }
          return inResult(v, values, not);
        };
        return fold([x], ([v]) => test(v));
      }
      return fold([x, ...list], ([v, ...vs]) => inResult(v, vs, not));
    }
    case 'between': {
      const not = e.not;
      return fold([compile(e.e, scope), compile(e.lo, scope), compile(e.hi, scope)], ([v, lo, hi]) => {
        const a = sqlCompare(v, lo);
        const b = sqlCompare(v, hi);
        if (a === undefined || b === undefined) return undefined;
        const inside = a >= 0 && b <= 0;
        return not ? !inside : inside;
      });
    }
    case 'like':
      return compileLike(compile(e.e, scope), compile(e.pattern, scope), e.escape ? compile(e.escape, scope) : undefined, e.not);
    case 'cond':
      return fold([compile(e.c, scope), compile(e.a, scope), compile(e.b, scope)], ([c, a, b]) => (c === true ? a : b), true);
    case 'obj': {
      const names = e.props.map((p) => p[0]);
      const seen = new Set<string>();
      for (const n of names) {
        if (seen.has(n)) throw new QueryError(`Duplicate property name '${n}' in object constructor.`);
        seen.add(n);
      }
      return fold(e.props.map((p) => compile(p[1], scope)), (vals) => {
        const out: Record<string, JsonValue> = {};
        for (let i = 0; i < names.length; i++) if (vals[i] !== undefined) out[names[i]] = vals[i] as JsonValue;
        return out;
      }, false, true);
    }
    case 'arr':
      // An undefined element is left out of a constructed array.
      return fold(e.items.map((i) => compile(i, scope)), (vals) => vals.filter((v) => v !== undefined) as JsonValue[], false, true);
    case 'call':
      return compileCall(e.name, e.args, scope);
  }
}

/**
 * Combines compiled children with a pure function, folding to a constant when every child is
 * constant. `lazy` is for the conditional (children evaluated anyway; they are side-effect free).
 * `fresh` marks constructors whose result is a new mutable value: not shared as a folded constant.
 */
function fold(children: C[], f: (vals: Val[]) => Val, _lazy = false, fresh = false): C {
  if (children.every((c) => c.konst)) {
    const vals = children.map((c) => c.konst!.v);
    if (!fresh) return constant(f(vals));
    return { fn: () => f(vals) };
  }
  const fns = children.map((c) => c.fn);
  switch (fns.length) {
    case 1: {
      const [a] = fns;
      return { fn: (r) => f([a(r)]) };
    }
    case 2: {
      const [a, b] = fns;
      return { fn: (r) => f([a(r), b(r)]) };
    }
    case 3: {
      const [a, b, c] = fns;
      return { fn: (r) => f([a(r), b(r), c(r)]) };
    }
    default:
      return { fn: (r) => f(fns.map((g) => g(r))) };
  }
}

function compileProp(e: Extract<Expr, { k: 'prop' }>, scope: Scope): C {
  const name = e.name;
  const obj = compile(e.obj, scope);
  if (obj.konst) return constant(propValue(obj.konst.v, name));
  const get = obj.fn;
  if (PROTO_NAMES.has(name)) {
    return { fn: (r) => { const o = get(r); return isObject(o) && hasOwn.call(o, name) ? o[name] : undefined; } };
  }
  if (e.obj.k === 'ident' && !scope.override && scope.aliasIsObject(e.obj.name)) {
    return { fn: (r) => (get(r) as Record<string, JsonValue>)[name] };
  }
  return { fn: (r) => { const o = get(r); return o !== null && typeof o === 'object' && !Array.isArray(o) ? o[name] : undefined; } };
}

export function propValue(o: Val, name: string): Val {
  return isObject(o) && hasOwn.call(o, name) ? o[name] : undefined;
}

function indexValue(o: Val, i: Val): Val {
  if (Array.isArray(o)) return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < o.length ? o[i] : undefined;
  if (isObject(o) && typeof i === 'string') return propValue(o, i);
  return undefined;
}

function inResult(v: Val, list: Val[], not: boolean): Val {
  // Undefined when the tested value is undefined; otherwise whether it equals a list member
  // (values of another type simply do not match), so NOT IN of a defined value is a boolean.
  // This follows the SDK's reference evaluator (the "offline engine" of azure-cosmos-dotnet-v3).
  if (v === undefined) return undefined;
  for (const x of list) if (sqlEquals(v, x) === true) return !not;
  return not;
}

function compileUnary(op: string, a: C): C {
  switch (op) {
    case 'NOT': return fold([a], ([v]) => (typeof v === 'boolean' ? !v : undefined));
    case '-': return fold([a], ([v]) => (typeof v === 'number' ? -v : undefined));
    case '+': return fold([a], ([v]) => (typeof v === 'number' ? v : undefined));
    case '~': return fold([a], ([v]) => (typeof v === 'number' ? ~v : undefined));
  }
  throw new QueryError(`Unknown unary operator '${op}'.`);
}

const finiteOrUndef = (x: number): Val => (Number.isFinite(x) ? x : undefined);

function compileBinary(op: string, l: C, r: C): C {
  const arith = (f: (a: number, b: number) => number) => fold([l, r], ([a, b]) => (typeof a === 'number' && typeof b === 'number' ? finiteOrUndef(f(a, b)) : undefined));
  const bits = (f: (a: number, b: number) => number) => fold([l, r], ([a, b]) => (typeof a === 'number' && typeof b === 'number' && Number.isInteger(a) && Number.isInteger(b) ? f(a, b) : undefined));
  switch (op) {
    case 'AND': {
      if (l.konst || r.konst) {
        return fold([l, r], ([a, b]) => andValue(a, b));
      }
      const lf = l.fn;
      const rf = r.fn;
      return { fn: (row) => { const a = lf(row); if (a === false) return false; return andValue(a, rf(row)); } };
    }
    case 'OR': {
      if (l.konst || r.konst) return fold([l, r], ([a, b]) => orValue(a, b));
      const lf = l.fn;
      const rf = r.fn;
      return { fn: (row) => { const a = lf(row); if (a === true) return true; return orValue(a, rf(row)); } };
    }
    case '??': {
      if (l.konst) return l.konst.v !== undefined ? l : r;
      const lf = l.fn;
      const rf = r.fn;
      return { fn: (row) => { const a = lf(row); return a !== undefined ? a : rf(row); } };
    }
    case '=': return fold([l, r], ([a, b]) => sqlEquals(a, b));
    case '!=': return fold([l, r], ([a, b]) => { const x = sqlEquals(a, b); return x === undefined ? undefined : !x; });
    case '<': return fold([l, r], ([a, b]) => { const c = sqlCompare(a, b); return c === undefined ? undefined : c < 0; });
    case '<=': return fold([l, r], ([a, b]) => { const c = sqlCompare(a, b); return c === undefined ? undefined : c <= 0; });
    case '>': return fold([l, r], ([a, b]) => { const c = sqlCompare(a, b); return c === undefined ? undefined : c > 0; });
    case '>=': return fold([l, r], ([a, b]) => { const c = sqlCompare(a, b); return c === undefined ? undefined : c >= 0; });
    case '+': return arith((a, b) => a + b);
    case '-': return arith((a, b) => a - b);
    case '*': return arith((a, b) => a * b);
    case '/': return arith((a, b) => a / b);
    case '%': return arith((a, b) => a % b);
    case '||': return fold([l, r], ([a, b]) => (typeof a === 'string' && typeof b === 'string' ? a + b : undefined));
    case '|': return bits((a, b) => a | b);
    case '&': return bits((a, b) => a & b);
    case '^': return bits((a, b) => a ^ b);
    case '<<': return bits((a, b) => a << b);
    case '>>': return bits((a, b) => a >> b);
    case '>>>': return bits((a, b) => a >>> b);
  }
  throw new QueryError(`Unknown operator '${op}'.`);
}

/** Three-valued AND: false if either side is false, true if both are true, otherwise undefined. */
function andValue(a: Val, b: Val): Val {
  if (a === false || b === false) return false;
  if (a === true && b === true) return true;
  return undefined;
}

/** Three-valued OR: true if either side is true, false if both are false, otherwise undefined. */
function orValue(a: Val, b: Val): Val {
  if (a === true || b === true) return true;
  if (a === false && b === false) return false;
  return undefined;
}

function likeRegex(pattern: string, escape: string | undefined): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (escape !== undefined && ch === escape && i + 1 < pattern.length) {
      re += pattern[++i].replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
    } else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      re += '[' + (negate ? '^' : '') + body.replace(/[\\\]^[]/g, '\\$&') + ']';
      i = close;
    } else re += ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

function compileLike(x: C, pattern: C, escape: C | undefined, not: boolean): C {
  const test = (v: Val, p: Val, esc: Val, re?: RegExp): Val => {
    if (typeof v !== 'string' || typeof p !== 'string') return undefined;
    if (esc !== undefined && (typeof esc !== 'string' || esc.length !== 1)) return undefined;
    const m = (re ?? likeRegex(p, esc as string | undefined)).test(v);
    return not ? !m : m;
  };
  if (pattern.konst && (!escape || escape.konst)) {
    const p = pattern.konst.v;
    const esc = escape?.konst?.v;
    if (esc !== undefined && (typeof esc !== 'string' || esc.length !== 1)) throw new QueryError('The ESCAPE argument of LIKE must be a single character.');
    const re = typeof p === 'string' ? likeRegex(p, esc as string | undefined) : undefined;
    return fold([x], ([v]) => test(v, p, esc, re));
  }
  return fold([x, pattern, ...(escape ? [escape] : [])], ([v, p, esc]) => test(v, p, esc));
}

const SPATIAL = /^ST_/i;

function compileCall(name: string, argExprs: Expr[], scope: Scope): C {
  if (isAggregateName(name)) {
    throw new QueryError(`Aggregate function '${name.toUpperCase()}' is not allowed in the ${scope.clause} clause here.`);
  }
  if (SPATIAL.test(name)) throw new QueryError(`Unsupported by the Cosmos DB emulator: spatial function '${name}'.`);
  const b = lookupBuiltIn(name);
  if (!b) throw new QueryError(`'${name}' is not a recognized built-in function name.`);
  if (argExprs.length < b.min || argExprs.length > b.max) {
    throw new QueryError(`The ${name.toUpperCase()} function requires ${b.min === b.max ? b.min : b.max === Infinity ? `at least ${b.min}` : `${b.min} to ${b.max}`} argument(s).`);
  }
  if (b.pure === false) return constant(b.fn([]));
  const args = argExprs.map((a) => compile(a, scope));
  const f = b.fn;
  // Constructors inside arguments could be mutated by nothing here: all built-ins are pure.
  return fold(args, (vals) => f(vals));
}

/** Value type name for messages. */
export function typeName(v: Val): string {
  return ['undefined', 'null', 'boolean', 'number', 'string', 'array', 'object'][typeRank(v)];
}
