// Tokenizer for the Cosmos DB NoSQL query language. Keywords are case-insensitive; identifiers keep their case.
import { QueryError, syntaxErrorNear, unexpectedEof } from './errors';

export type TokenKind = 'ident' | 'kw' | 'num' | 'str' | 'param' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Keywords: upper case; identifiers/params: as written (params include '@'); punctuation: the symbol. */
  text: string;
  /** The token as it appears in the query (used in error messages). */
  raw: string;
  num?: number;
  str?: string;
  pos: number;
}

export const KEYWORDS = new Set([
  'SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'LIKE', 'ESCAPE', 'AS', 'JOIN',
  'TOP', 'DISTINCT', 'VALUE', 'ORDER', 'BY', 'ASC', 'DESC', 'GROUP', 'OFFSET', 'LIMIT', 'TRUE',
  'FALSE', 'NULL', 'UNDEFINED', 'EXISTS',
]);

// Longest first so that e.g. '>>>' wins over '>>' and '>'.
const PUNCT = ['>>>', '<<', '>>', '<=', '>=', '<>', '!=', '||', '??', '(', ')', '[', ']', '{', '}', ',', '.', ':', '?', '*', '/', '%', '+', '-', '=', '<', '>', '|', '&', '^', '~'];

const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentPart = (c: string) => isIdentStart(c) || (c >= '0' && c <= '9');
const isDigit = (c: string) => c >= '0' && c <= '9';

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(text[i])) i++;
      const word = text.slice(start, i);
      const upper = word.toUpperCase();
      if (KEYWORDS.has(upper)) tokens.push({ kind: 'kw', text: upper, raw: word, pos: start });
      else tokens.push({ kind: 'ident', text: word, raw: word, pos: start });
      continue;
    }
    if (c === '@') {
      i++;
      if (i >= n || !isIdentPart(text[i])) throw syntaxErrorNear('@');
      while (i < n && isIdentPart(text[i])) i++;
      const word = text.slice(start, i);
      tokens.push({ kind: 'param', text: word, raw: word, pos: start });
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      let value: number;
      if (c === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
        i += 2;
        while (i < n && /[0-9a-fA-F]/.test(text[i])) i++;
        value = parseInt(text.slice(start + 2, i), 16);
      } else {
        while (i < n && isDigit(text[i])) i++;
        if (text[i] === '.') {
          i++;
          while (i < n && isDigit(text[i])) i++;
        }
        if ((text[i] === 'e' || text[i] === 'E') && (isDigit(text[i + 1] ?? '') || ((text[i + 1] === '+' || text[i + 1] === '-') && isDigit(text[i + 2] ?? '')))) {
          i += 2;
          while (i < n && isDigit(text[i])) i++;
        }
        value = Number(text.slice(start, i));
      }
      if (i < n && isIdentStart(text[i])) {
        let j = i;
        while (j < n && isIdentPart(text[j])) j++;
        throw syntaxErrorNear(text.slice(i, j));
      }
      tokens.push({ kind: 'num', text: text.slice(start, i), raw: text.slice(start, i), num: value, pos: start });
      continue;
    }
    if (c === '"' || c === "'") {
      const quote = c;
      i++;
      let out = '';
      for (;;) {
        if (i >= n) throw unexpectedEof();
        const ch = text[i];
        if (ch === quote) {
          i++;
          break;
        }
        if (ch === '\\') {
          const e = text[i + 1];
          if (e === undefined) throw unexpectedEof();
          i += 2;
          switch (e) {
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
              const hex = text.slice(i, i + 4);
              if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new QueryError(`Syntax error, invalid escape sequence '\\u${hex}'.`);
              out += String.fromCharCode(parseInt(hex, 16));
              i += 4;
              break;
            }
            default: out += e; // \' \" \\ \/ and any other escaped character stand for themselves
          }
          continue;
        }
        out += ch;
        i++;
      }
      tokens.push({ kind: 'str', text: text.slice(start, i), raw: text.slice(start, i), str: out, pos: start });
      continue;
    }
    const p = PUNCT.find((s) => text.startsWith(s, i));
    if (!p) throw syntaxErrorNear(c);
    i += p.length;
    tokens.push({ kind: 'punct', text: p, raw: p, pos: start });
  }
  tokens.push({ kind: 'eof', text: '', raw: '', pos: n });
  return tokens;
}
