// Syntax tree of a parsed query. Nodes carry no source positions so that structurally equal
// expressions (a GROUP BY key and its use in the select list) compare equal as JSON.
import type { Val } from './values';

export type Expr =
  | { k: 'lit'; v: Val }
  | { k: 'param'; name: string }
  | { k: 'ident'; name: string }
  | { k: 'prop'; obj: Expr; name: string }
  | { k: 'index'; obj: Expr; index: Expr }
  | { k: 'unary'; op: '-' | '+' | '~' | 'NOT'; e: Expr }
  | { k: 'bin'; op: BinOp; l: Expr; r: Expr }
  | { k: 'in'; e: Expr; list: Expr[]; not: boolean }
  | { k: 'between'; e: Expr; lo: Expr; hi: Expr; not: boolean }
  | { k: 'like'; e: Expr; pattern: Expr; escape?: Expr; not: boolean }
  | { k: 'cond'; c: Expr; a: Expr; b: Expr }
  | { k: 'obj'; props: [string, Expr][] }
  | { k: 'arr'; items: Expr[] }
  | { k: 'call'; name: string; args: Expr[] };

export type BinOp =
  | 'AND' | 'OR' | '??'
  | '=' | '!=' | '<' | '<=' | '>' | '>='
  | '+' | '-' | '*' | '/' | '%' | '||'
  | '|' | '&' | '^' | '<<' | '>>' | '>>>';

export interface SelectItem { expr: Expr; alias?: string }

/** A FROM or JOIN source: `expr [AS] alias` binds the value itself, `alias IN expr` iterates an array. */
export interface Source { alias: string; expr: Expr; iterate: boolean }

export interface SelectQuery {
  distinct: boolean;
  top?: Expr;
  value: boolean;
  star: boolean;
  items: SelectItem[];
  /** Undefined when the query has no FROM clause. `from.expr` is relative to the root document, bound as `rootName`. */
  from?: Source & { rootName: string };
  joins: Source[];
  where?: Expr;
  groupBy?: Expr[];
  orderBy?: { expr: Expr; descending: boolean }[];
  offset?: Expr;
  limit?: Expr;
}
