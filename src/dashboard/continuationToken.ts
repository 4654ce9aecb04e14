// The API's continuation token: the Cosmos DB SDK's own token wrapped with the query it belongs
// to, so the next page reuses the first page's resolved range (which defaults to "now") and a
// token cannot be replayed against a different query. It is opaque to clients, not a secret: it
// only says where a read-only query resumes.
import { ParameterError } from './parameterError';

export interface TokenScope {
  kind: string;
  windowMinutes: number;
  key: string | undefined;
  fromMs: number;
  toMs: number;
}

export interface DecodedToken extends TokenScope {
  cosmosToken: string;
}

export const MAX_TOKEN_LENGTH = 4096;

export function encodeContinuationToken(scope: TokenScope, cosmosToken: string): string {
  const payload = { v: 1, k: scope.kind, w: scope.windowMinutes, y: scope.key ?? null, f: scope.fromMs, t: scope.toMs, c: cosmosToken };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

const invalid = () => new ParameterError('continuationToken', 'is not a token this API issued; start again without it');

export function decodeContinuationToken(token: string): DecodedToken {
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const p = payload as Record<string, unknown> | null;
  if (
    typeof p !== 'object' || p === null || p.v !== 1 || typeof p.k !== 'string' || !Number.isInteger(p.w)
    || !(p.y === null || typeof p.y === 'string') || !Number.isSafeInteger(p.f) || !Number.isSafeInteger(p.t)
    || typeof p.c !== 'string' || p.c === ''
  ) {
    throw invalid();
  }
  return {
    kind: p.k, windowMinutes: p.w as number, key: (p.y as string | null) ?? undefined,
    fromMs: p.f as number, toMs: p.t as number, cosmosToken: p.c,
  };
}
