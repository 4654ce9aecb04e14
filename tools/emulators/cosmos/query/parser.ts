// Recursive-descent parser for the Cosmos DB NoSQL SELECT statement.
//
// Operator precedence, lowest first: `?:` and `??`; OR; AND; NOT; comparison (= != <> < <= > >=,
// [NOT] IN, [NOT] BETWEEN, [NOT] LIKE); | ; ^ ; & ; << >> >>> ; + - || ; * / % ; unary - + ~ ;
// property access `.name`, `["name"]`, `[n]`.
import type { BinOp, Expr, SelectItem, SelectQuery, Source } from './ast';
import { QueryError, syntaxErrorNear, unexpectedEof, unsupported } from './errors';
import { type Token, tokenize } from './lexer';

export function parseQuery(text: string): SelectQuery {
  return new Parser(tokenize(text)).query();
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(offset = 0): Token {
    return this.toks[Math.min(this.i + offset, this.toks.length - 1)];
  }
  private next(): Token {
    const t = this.toks[this.i];
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private fail(t: Token = this.peek()): QueryError {
    return t.kind === 'eof' ? unexpectedEof() : syntaxErrorNear(t.raw);
  }
  private isKw(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'kw' && t.text === text;
  }
  private isP(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.text === text;
  }
  private acceptKw(text: string): boolean {
    if (!this.isKw(text)) return false;
    this.i++;
    return true;
  }
  private acceptP(text: string): boolean {
    if (!this.isP(text)) return false;
    this.i++;
    return true;
  }
  private expectKw(text: string): void {
    if (!this.acceptKw(text)) throw this.fail();
  }
  private expectP(text: string): void {
    if (!this.acceptP(text)) throw this.fail();
  }
  private ident(): string {
    const t = this.peek();
    if (t.kind !== 'ident') throw this.fail();
    this.i++;
    return t.text;
  }

  query(): SelectQuery {
    this.expectKw('SELECT');
    const q: SelectQuery = { distinct: false, value: false, star: false, items: [], joins: [] };
    // The service documents `SELECT [TOP n] [DISTINCT] ...`; `SELECT DISTINCT TOP n` is accepted too.
    if (this.acceptKw('DISTINCT')) q.distinct = true;
    if (this.acceptKw('TOP')) q.top = this.countArg();
    if (!q.distinct && this.acceptKw('DISTINCT')) q.distinct = true;
    if (this.acceptKw('VALUE')) q.value = true;
    if (this.acceptP('*')) {
      if (q.value) throw this.fail(this.toks[this.i - 1]);
      q.star = true;
    } else {
      q.items = this.selectItems(q.value);
    }
    if (this.acceptKw('FROM')) {
      q.from = this.fromSource();
      while (this.acceptKw('JOIN')) q.joins.push(this.joinSource());
    }
    if (this.acceptKw('WHERE')) q.where = this.expr();
    if (this.isKw('GROUP')) {
      this.next();
      this.expectKw('BY');
      q.groupBy = [this.expr()];
      while (this.acceptP(',')) q.groupBy.push(this.expr());
    }
    if (this.isKw('ORDER')) {
      this.next();
      this.expectKw('BY');
      q.orderBy = [];
      do {
        const expr = this.expr();
        let descending = false;
        if (this.acceptKw('DESC')) descending = true;
        else this.acceptKw('ASC');
        q.orderBy.push({ expr, descending });
      } while (this.acceptP(','));
    }
    if (this.acceptKw('OFFSET')) {
      q.offset = this.countArg();
      this.expectKw('LIMIT');
      q.limit = this.countArg();
    } else if (this.isKw('LIMIT')) {
      throw this.fail();
    }
    if (this.peek().kind !== 'eof') throw this.fail();
    if (q.star && !q.from) throw new QueryError("'SELECT *' is not valid if FROM clause is omitted.");
    return q;
  }

  /** TOP / OFFSET / LIMIT argument: an integer literal or a parameter (validated at compile time). */
  private countArg(): Expr {
    const t = this.peek();
    if (t.kind === 'num') {
      this.i++;
      return { k: 'lit', v: t.num! };
    }
    if (t.kind === 'param') {
      this.i++;
      return { k: 'param', name: t.text };
    }
    throw this.fail();
  }

  private selectItems(value: boolean): SelectItem[] {
    const items: SelectItem[] = [];
    do {
      const expr = this.expr();
      let alias: string | undefined;
      if (this.acceptKw('AS')) alias = this.ident();
      else if (this.peek().kind === 'ident') alias = this.ident();
      if (value && alias !== undefined) throw this.fail(this.toks[this.i - 1]);
      items.push({ expr, alias });
      if (value && this.isP(',')) throw this.fail();
    } while (this.acceptP(','));
    return items;
  }

  private fromSource(): Source & { rootName: string } {
    if (this.isP('(')) throw unsupported('subqueries in the FROM clause');
    // `alias IN container_expr`
    if (this.peek().kind === 'ident' && this.isKw('IN', 1)) {
      const alias = this.ident();
      this.next();
      const { rootName, expr } = this.containerExpr();
      return { alias, rootName, expr, iterate: true };
    }
    const { rootName, expr, last } = this.containerExpr();
    let alias: string | undefined;
    if (this.acceptKw('AS')) alias = this.ident();
    else if (this.peek().kind === 'ident') alias = this.ident();
    return { alias: alias ?? last, rootName, expr, iterate: false };
  }

  /** `name` or `name.path...` / `name["path"]`: the container (any name, including ROOT) and an optional path into its documents. */
  private containerExpr(): { rootName: string; expr: Expr; last: string } {
    const rootName = this.ident();
    let expr: Expr = { k: 'ident', name: rootName };
    let last = rootName;
    for (;;) {
      if (this.acceptP('.')) {
        const t = this.next();
        if (t.kind !== 'ident' && t.kind !== 'kw') throw this.fail(t);
        last = t.raw;
        expr = { k: 'prop', obj: expr, name: t.raw };
      } else if (this.acceptP('[')) {
        const t = this.next();
        if (t.kind === 'str') {
          last = t.str!;
          expr = { k: 'prop', obj: expr, name: t.str! };
        } else if (t.kind === 'num') {
          expr = { k: 'index', obj: expr, index: { k: 'lit', v: t.num! } };
        } else throw this.fail(t);
        this.expectP(']');
      } else break;
    }
    return { rootName, expr, last };
  }

  private joinSource(): Source {
    if (this.isP('(')) throw unsupported('subqueries in JOIN');
    if (this.peek().kind === 'ident' && this.isKw('IN', 1)) {
      const alias = this.ident();
      this.next();
      return { alias, expr: this.pathExpr(), iterate: true };
    }
    const expr = this.pathExpr();
    let alias: string | undefined;
    if (this.acceptKw('AS')) alias = this.ident();
    else if (this.peek().kind === 'ident') alias = this.ident();
    if (alias === undefined) alias = expr.k === 'prop' ? expr.name : expr.k === 'ident' ? expr.name : '';
    if (!alias) throw this.fail();
    return { alias, expr, iterate: false };
  }

  /** An identifier followed by property / index accessors (JOIN sources). */
  private pathExpr(): Expr {
    if (this.isP('(')) throw unsupported('subqueries in JOIN');
    let e: Expr = { k: 'ident', name: this.ident() };
    for (;;) {
      const acc = this.accessor(e);
      if (!acc) return e;
      e = acc;
    }
  }

  expr(): Expr {
    const e = this.orExpr();
    if (this.acceptP('?')) {
      const a = this.expr();
      this.expectP(':');
      const b = this.expr();
      return { k: 'cond', c: e, a, b };
    }
    if (this.acceptP('??')) {
      return { k: 'bin', op: '??', l: e, r: this.expr() };
    }
    return e;
  }

  private orExpr(): Expr {
    let l = this.andExpr();
    while (this.acceptKw('OR')) l = { k: 'bin', op: 'OR', l, r: this.andExpr() };
    return l;
  }

  private andExpr(): Expr {
    let l = this.notExpr();
    while (this.acceptKw('AND')) l = { k: 'bin', op: 'AND', l, r: this.notExpr() };
    return l;
  }

  private notExpr(): Expr {
    if (this.acceptKw('NOT')) return { k: 'unary', op: 'NOT', e: this.notExpr() };
    return this.comparison();
  }

  private comparison(): Expr {
    let l = this.bitOr();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'punct' && ['=', '!=', '<>', '<', '<=', '>', '>='].includes(t.text)) {
        this.next();
        const op = (t.text === '<>' ? '!=' : t.text) as BinOp;
        l = { k: 'bin', op, l, r: this.bitOr() };
        continue;
      }
      let not = false;
      if (this.isKw('NOT') && (this.isKw('IN', 1) || this.isKw('BETWEEN', 1) || this.isKw('LIKE', 1))) {
        this.next();
        not = true;
      }
      if (this.acceptKw('IN')) {
        this.expectP('(');
        if (this.isKw('SELECT')) throw unsupported('subqueries');
        const list = [this.expr()];
        while (this.acceptP(',')) list.push(this.expr());
        this.expectP(')');
        l = { k: 'in', e: l, list, not };
        continue;
      }
      if (this.acceptKw('BETWEEN')) {
        const lo = this.bitOr();
        this.expectKw('AND');
        const hi = this.bitOr();
        l = { k: 'between', e: l, lo, hi, not };
        continue;
      }
      if (this.acceptKw('LIKE')) {
        const pattern = this.bitOr();
        let escape: Expr | undefined;
        if (this.acceptKw('ESCAPE')) escape = this.bitOr();
        l = { k: 'like', e: l, pattern, escape, not };
        continue;
      }
      return l;
    }
  }

  private binaryLevel(ops: string[], nextLevel: () => Expr): Expr {
    let l = nextLevel();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'punct' && ops.includes(t.text)) {
        this.next();
        l = { k: 'bin', op: t.text as BinOp, l, r: nextLevel() };
      } else return l;
    }
  }
  private bitOr = (): Expr => this.binaryLevel(['|'], this.bitXor);
  private bitXor = (): Expr => this.binaryLevel(['^'], this.bitAnd);
  private bitAnd = (): Expr => this.binaryLevel(['&'], this.shift);
  private shift = (): Expr => this.binaryLevel(['<<', '>>', '>>>'], this.additive);
  private additive = (): Expr => this.binaryLevel(['+', '-', '||'], this.multiplicative);
  private multiplicative = (): Expr => this.binaryLevel(['*', '/', '%'], this.unary);

  private unary = (): Expr => {
    const t = this.peek();
    if (t.kind === 'punct' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      this.next();
      const e = this.unary();
      if (t.text === '-' && e.k === 'lit' && typeof e.v === 'number') return { k: 'lit', v: -e.v };
      return { k: 'unary', op: t.text as '-' | '+' | '~', e };
    }
    return this.postfix();
  };

  private accessor(obj: Expr): Expr | undefined {
    if (this.acceptP('.')) {
      const t = this.next();
      if (t.kind !== 'ident' && t.kind !== 'kw') throw this.fail(t);
      return { k: 'prop', obj, name: t.raw };
    }
    if (this.acceptP('[')) {
      const index = this.expr();
      this.expectP(']');
      if (index.k === 'lit' && typeof index.v === 'string') return { k: 'prop', obj, name: index.v };
      return { k: 'index', obj, index };
    }
    return undefined;
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      const acc = this.accessor(e);
      if (!acc) return e;
      e = acc;
    }
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'num':
        this.next();
        return { k: 'lit', v: t.num! };
      case 'str':
        this.next();
        return { k: 'lit', v: t.str! };
      case 'param':
        this.next();
        return { k: 'param', name: t.text };
      case 'kw':
        switch (t.text) {
          case 'TRUE': this.next(); return { k: 'lit', v: true };
          case 'FALSE': this.next(); return { k: 'lit', v: false };
          case 'NULL': this.next(); return { k: 'lit', v: null };
          case 'UNDEFINED': this.next(); return { k: 'lit', v: undefined };
          case 'EXISTS': throw unsupported('EXISTS subqueries');
          case 'SELECT': throw unsupported('subqueries');
        }
        throw this.fail();
      case 'ident': {
        this.next();
        if (this.isP('(')) {
          if (t.text.toUpperCase() === 'ARRAY') throw unsupported('ARRAY subqueries');
          return { k: 'call', name: t.text, args: this.callArgs() };
        }
        if (t.text.toLowerCase() === 'udf' && this.isP('.') && this.peek(1).kind === 'ident' && this.isP('(', 2)) {
          throw unsupported(`user-defined functions (udf.${this.peek(1).text})`);
        }
        return { k: 'ident', name: t.text };
      }
      case 'punct':
        if (t.text === '(') {
          this.next();
          if (this.isKw('SELECT')) throw unsupported('subqueries');
          const e = this.expr();
          this.expectP(')');
          return e;
        }
        if (t.text === '[') {
          this.next();
          const items: Expr[] = [];
          if (!this.acceptP(']')) {
            do items.push(this.expr());
            while (this.acceptP(','));
            this.expectP(']');
          }
          return { k: 'arr', items };
        }
        if (t.text === '{') {
          this.next();
          const props: [string, Expr][] = [];
          if (!this.acceptP('}')) {
            do {
              const nt = this.next();
              let name: string;
              if (nt.kind === 'ident' || nt.kind === 'kw') name = nt.raw;
              else if (nt.kind === 'str') name = nt.str!;
              else throw this.fail(nt);
              this.expectP(':');
              props.push([name, this.expr()]);
            } while (this.acceptP(','));
            this.expectP('}');
          }
          return { k: 'obj', props };
        }
        throw this.fail();
      default:
        throw this.fail();
    }
  }

  private callArgs(): Expr[] {
    this.expectP('(');
    const args: Expr[] = [];
    if (this.acceptP(')')) return args;
    do args.push(this.expr());
    while (this.acceptP(','));
    this.expectP(')');
    return args;
  }
}
