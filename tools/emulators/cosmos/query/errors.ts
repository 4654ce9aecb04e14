/** A query the service would reject with 400 BadRequest; `message` follows the service's wording where known. */
export class QueryError extends Error {
  readonly status = 400;
  code = 'BadRequest';
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

export function syntaxErrorNear(text: string): QueryError {
  return new QueryError(`Syntax error, incorrect syntax near '${text}'.`);
}

export function unexpectedEof(): QueryError {
  return new QueryError('Syntax error, unexpected end-of-file.');
}

/** A feature the real service has but this emulator refuses rather than answering wrongly. */
export function unsupported(what: string): QueryError {
  return new QueryError(`Unsupported by the Cosmos DB emulator: ${what}.`);
}
