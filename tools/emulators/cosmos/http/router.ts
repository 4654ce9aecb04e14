// Routes a request by its path (/dbs/{db}/colls/{coll}/docs/{id} …) and headers to a handler,
// after checking the master-key signature; turns every failure into the service's error shape.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkAuthorization } from './auth';
import { CosmosError, badRequest, tooLarge } from './errors';
import { header, isTrue, sessionToken, type Emulator, type Reply, type Request } from './context';
import * as resources from './resources';
import { batchRequest } from './batch';
import { changeFeed, queryPlan, readFeed, runQuery } from './query';
import {
  createDoc,
  deleteDoc,
  MAX_DOCUMENT_BYTES,
  partitionKeyFromHeader,
  patchDoc,
  readDoc,
  replaceDoc,
  upsertDoc,
  WriteSession,
  type OpOutcome,
} from './documents';
import type { ContainerStore } from '../store/container';
import { QueryError } from '../query';

const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

function authTarget(method: string, raw: string[], decoded: string[]) {
  const pick = (segs: string[]) => {
    if (segs.length === 0) return { type: '', id: '' };
    if (segs.length % 2 === 1) return { type: segs[segs.length - 1], id: segs.slice(0, -1).join('/') };
    return { type: segs[segs.length - 2], id: segs.join('/') };
  };
  const d = pick(decoded);
  const r = pick(raw);
  const ids = [d.id];
  if (r.id !== d.id) ids.push(r.id);
  if (d.type === 'offers') ids.push(d.id.toLowerCase());
  return { verb: method, resourceType: d.type, resourceIds: ids };
}

function docWriteReply(container: ContainerStore, outcome: OpOutcome): Reply {
  const headers: Record<string, string | number> = { 'x-ms-session-token': sessionToken(container) };
  if (!outcome.entry) return { status: outcome.status, headers };
  headers.etag = outcome.entry.doc._etag as string;
  return { status: outcome.status, headers, body: outcome.entry.doc };
}

function documentsFeed(emu: Emulator, req: Request, container: ContainerStore): Reply {
  if (req.method === 'GET') {
    if (header(req, 'a-im') !== undefined) return changeFeed(req, container);
    return readFeed(req, container);
  }
  if (req.method !== 'POST') throw new CosmosError(405, `${req.method} is not allowed on a documents feed.`);
  if (isTrue(req, 'x-ms-cosmos-is-query-plan-request')) return queryPlan(req, container);
  if (isTrue(req, 'x-ms-documentdb-isquery') || header(req, 'content-type')?.startsWith('application/query+json')) return runQuery(req, container);
  if (isTrue(req, 'x-ms-cosmos-is-batch-request')) return batchRequest(emu, req, container);
  if (req.body.length > MAX_DOCUMENT_BYTES) throw tooLarge();
  const pk = partitionKeyFromHeader(container, header(req, 'x-ms-documentdb-partitionkey'), true);
  const body = parseDocBody(req);
  const session = new WriteSession(container);
  session.smallRequest = true; // the body was checked against the document limit above
  const outcome = isTrue(req, 'x-ms-documentdb-is-upsert')
    ? upsertDoc(session, body, pk, header(req, 'if-match'))
    : createDoc(session, body, pk);
  session.commit(emu);
  return docWriteReply(container, outcome);
}

function parseDocBody(req: Request): unknown {
  if (req.body.length === 0) throw badRequest('The request payload is invalid: the body is empty.');
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch (error) {
    throw badRequest(`The request payload is invalid JSON: ${(error as Error).message}`);
  }
}

function document(emu: Emulator, req: Request, container: ContainerStore, id: string): Reply {
  const pk = partitionKeyFromHeader(container, header(req, 'x-ms-documentdb-partitionkey'), true) as string;
  switch (req.method) {
    case 'GET': {
      const entry = readDoc(container, id, pk);
      const headers = { etag: entry.doc._etag as string, 'x-ms-session-token': sessionToken(container) };
      if (header(req, 'if-none-match') === entry.doc._etag) return { status: 304, headers };
      return { status: 200, headers, body: entry.doc };
    }
    case 'PUT': {
      if (req.body.length > MAX_DOCUMENT_BYTES) throw tooLarge();
      const session = new WriteSession(container);
      session.smallRequest = true;
      const outcome = replaceDoc(session, id, parseDocBody(req), pk, header(req, 'if-match'));
      session.commit(emu);
      return docWriteReply(container, outcome);
    }
    case 'DELETE': {
      const session = new WriteSession(container);
      const outcome = deleteDoc(session, id, pk, header(req, 'if-match'));
      session.commit(emu);
      return docWriteReply(container, outcome);
    }
    case 'PATCH': {
      const session = new WriteSession(container);
      const outcome = patchDoc(session, id, pk, parseDocBody(req), header(req, 'if-match'));
      session.commit(emu);
      return docWriteReply(container, outcome);
    }
    default:
      throw new CosmosError(405, `${req.method} is not allowed on a document.`);
  }
}

function route(emu: Emulator, req: Request): Reply {
  const s = req.segments;
  const m = req.method;
  if (s.length === 0) {
    if (m === 'GET') return resources.databaseAccount(req);
    throw new CosmosError(405, `${m} is not allowed on the database account.`);
  }
  if (s[0] !== 'dbs') throw resources.unsupported(`The resource type '${s[0]}'`);
  if (s.length === 1) {
    if (m === 'GET') return resources.listDatabases(emu);
    if (m === 'POST') return resources.createDatabase(emu, req);
  } else if (s.length === 2) {
    if (m === 'GET') return resources.readDatabase(emu, s[1]);
    if (m === 'DELETE') return resources.deleteDatabase(emu, s[1]);
  } else {
    if (s[2] !== 'colls') throw resources.unsupported(`The resource type '${s[2]}' (users, permissions, …)`);
    if (s.length === 3) {
      if (m === 'GET') return resources.listContainers(emu, s[1]);
      if (m === 'POST') return resources.createContainer(emu, req, s[1]);
    } else if (s.length === 4) {
      if (m === 'GET') return resources.readContainer(emu, s[1], s[3]);
      if (m === 'PUT') return resources.replaceContainer(emu, req, s[1], s[3]);
      if (m === 'DELETE') return resources.deleteContainer(emu, s[1], s[3]);
    } else {
      const container = resources.containerOrThrow(emu, s[1], s[3]);
      const kind = s[4];
      if (kind === 'pkranges' && s.length === 5 && m === 'GET') return resources.partitionKeyRanges(emu, s[1], s[3]);
      if (kind !== 'docs') throw resources.unsupported(`The resource type '${kind}' (stored procedures, triggers, user-defined functions, conflicts, …)`);
      if (s.length === 5) return documentsFeed(emu, req, container);
      if (s.length === 6) return document(emu, req, container, s[5]);
      throw resources.unsupported('Attachments');
    }
  }
  throw new CosmosError(405, `${m} is not allowed on /${s.join('/')}.`);
}

export function createRequestListener(emu: Emulator, key: Buffer) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) overflow = true;
      else chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      const started = process.hrtime.bigint();
      const activityId = randomUUID();
      let reply: Reply;
      try {
        if (overflow) throw tooLarge();
        reply = handle(emu, key, req, Buffer.concat(chunks), activityId);
      } catch (error) {
        reply = errorReply(emu, error, activityId, req);
      }
      send(res, reply, activityId, started);
    });
  };
}

function handle(emu: Emulator, key: Buffer, msg: IncomingMessage, body: Buffer, activityId: string): Reply {
  const url = msg.url ?? '/';
  const pathname = url.split('?')[0];
  const raw = pathname.split('/').filter((x) => x !== '');
  let segments: string[];
  try {
    segments = raw.map((x) => decodeURIComponent(x));
  } catch {
    throw badRequest(`The request path '${pathname}' is not validly url-encoded.`);
  }
  const method = (msg.method ?? 'GET').toUpperCase();
  const denied = checkAuthorization(key, msg.headers, authTarget(method, raw, segments));
  if (denied) throw new CosmosError(401, denied);
  const req: Request = {
    method,
    segments,
    headers: msg.headers,
    body,
    activityId,
    endpoint: `http://${msg.headers.host ?? 'localhost'}/`,
  };
  return route(emu, req);
}

function errorReply(emu: Emulator, error: unknown, activityId: string, req: IncomingMessage): Reply {
  const e =
    error instanceof CosmosError
      ? error
      : error instanceof QueryError // raised while a query runs (the engine is lazy)
        ? new CosmosError(400, error.message)
        : new CosmosError(500, `Internal error of the Cosmos DB emulator: ${(error as Error)?.message ?? String(error)}`);
  if (e.status >= 500) emu.log(`Cosmos DB emulator: ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? String(error)}`);
  const headers: Record<string, string | number> = {};
  if (e.substatus !== undefined) headers['x-ms-substatus'] = e.substatus;
  return { status: e.status, headers, body: e.body(activityId) };
}

function send(res: ServerResponse, reply: Reply, activityId: string, started: bigint): void {
  let text: string | undefined;
  if (reply.body !== undefined && reply.status !== 204 && reply.status !== 304) {
    text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  }
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'x-ms-activity-id': activityId,
    'x-ms-request-charge': 1,
    // Server-side time, as the service reports it.
    'x-ms-request-duration-ms': (Number(process.hrtime.bigint() - started) / 1e6).toFixed(3),
    ...reply.headers,
  };
  if (res.writableEnded) return;
  try {
    res.writeHead(reply.status, headers);
    res.end(text);
  } catch {
    res.destroy();
  }
}
