// HTTP front of the stand-in: routes each request to @vercel/cosmosdb-server's handlers against
// an account object we own (so it can be restored and journaled), answering the way the
// package's own server does, but with keep-alive.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Account from '@vercel/cosmosdb-server/lib/account';
import route from '@vercel/cosmosdb-server/lib/routes';
import { withRecorder, type Recorder } from './accountStore';

type Body = Record<string, unknown>;

async function handle(account: Account, req: IncomingMessage, res: ServerResponse, log: (line: string) => void) {
  const matched = route(req);
  let body: Body;
  if (!matched) {
    res.statusCode = 400;
    body = { message: 'no route' };
  } else {
    const [params, handler] = matched;
    try {
      body = ((await handler(account, req, res, params)) ?? {}) as Body;
    } catch (error) {
      log(`Cosmos DB stand-in: ${req.method} ${req.url} failed: ${(error as Error).stack ?? String(error)}`);
      res.statusCode = 500;
      body = { message: (error as Error).message };
    }
    if (res.statusCode > 399 && body.message === undefined) body.message = '';
  }
  if (typeof body._etag === 'string') res.setHeader('etag', body._etag);
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-location', `http://${req.headers.host}${req.url}`);
  res.setHeader('x-ms-activity-id', randomUUID());
  res.setHeader('x-ms-request-charge', '1');
  // The package has no change feed; answer "nothing new" so a reader does not spin on errors.
  if (req.headers['a-im'] && res.statusCode === 200) {
    if (req.headers['if-none-match']) res.statusCode = 304;
    res.setHeader('etag', '1');
  }
  res.end(JSON.stringify(body));
}

export function createRequestListener(account: Account, recorder: Recorder | undefined, log: (line: string) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const run = () =>
      handle(account, req, res, log).catch((error: unknown) => {
        log(`Cosmos DB stand-in: ${(error as Error).message}`);
        if (!res.writableEnded) {
          res.statusCode = 500;
          res.end('');
        }
      });
    if (recorder) void withRecorder(recorder, run);
    else void run();
  };
}
