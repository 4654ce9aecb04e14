// Errors answered the way the service words them: {"code": "<Name>", "message": "Message:
// {\"Errors\":[\"…\"]}\r\nActivityId: …"}, with the status and, where the service sends one, a substatus.
const CODE_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'RequestEntityTooLarge',
  424: 'FailedDependency',
  429: 'TooManyRequests',
  500: 'InternalServerError',
};

export class CosmosError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly substatus?: number,
  ) {
    super(message);
  }

  get code(): string {
    return CODE_NAMES[this.status] ?? 'Error';
  }

  body(activityId: string): { code: string; message: string } {
    return {
      code: this.code,
      message: `Message: ${JSON.stringify({ Errors: [this.message] })}\r\nActivityId: ${activityId}, Microsoft.Azure.Documents.Common/2.14.0`,
    };
  }
}

export const notFound = () =>
  new CosmosError(404, 'Resource Not Found. Learn more: https://aka.ms/cosmosdb-tsg-not-found');
export const conflict = () =>
  new CosmosError(409, 'Entity with the specified id already exists in the system., ');
export const preconditionFailed = () =>
  new CosmosError(412, 'Operation cannot be performed because one of the specified precondition is not met., ');
export const badRequest = (message: string) => new CosmosError(400, message);
export const tooLarge = () => new CosmosError(413, 'Request size is too large');
