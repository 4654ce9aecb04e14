/** HTTP status of a Cosmos DB SDK error, when it has one. */
export function cosmosStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof statusCode === 'number') return statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The database or container does not exist (yet): a new system, read as "no data". */
export function isNotFound(error: unknown): boolean {
  return cosmosStatus(error) === 404;
}

/** Throttled, unavailable or timed out: worth retrying later. */
export function isTransient(error: unknown): boolean {
  const status = cosmosStatus(error);
  if (status === 408 || status === 429 || status === 449 || status === 503) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|UND_ERR)/.test(code);
}
