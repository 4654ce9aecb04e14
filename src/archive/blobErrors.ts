// Classifies Blob errors the archive writer handles itself.

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/**
 * Another writer changed the blob since we read it: ETag mismatch (412), the blob we meant to
 * create exists (409), or its commit discarded the uncommitted block we staged (400 InvalidBlockList).
 */
export function isWriteConflict(error: unknown): boolean {
  const status = field(error, 'statusCode');
  const code = field(error, 'code');
  return status === 412 || (status === 409 && code === 'BlobAlreadyExists') || (status === 400 && code === 'InvalidBlockList');
}

export function isNotFound(error: unknown): boolean {
  return field(error, 'statusCode') === 404;
}
