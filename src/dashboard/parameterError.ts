/** A request parameter that is missing, malformed or out of range; answered with 400. */
export class ParameterError extends Error {
  constructor(
    readonly parameter: string,
    detail: string,
  ) {
    super(`${parameter}: ${detail}`);
  }
}
