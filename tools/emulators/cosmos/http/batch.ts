// Transactional batch (x-ms-cosmos-batch-atomic: true) and bulk (atomic: false) requests: a JSON
// array of {operationType, id?, resourceBody?, partitionKey (JSON text), ifMatch?, ifNoneMatch?},
// answered with one {statusCode, requestCharge, eTag?, resourceBody?} per operation.
// Atomic: all operations in one logical partition; on the first failure everything is undone,
// the failing operation keeps its status, the others get 424, and the response is 207.
import type { ContainerStore } from '../store/container';
import { badRequest, CosmosError } from './errors';
import { MAX_DOCUMENT_BYTES, createDoc, deleteDoc, partitionKeyFromHeader, patchDoc, readDoc, replaceDoc, upsertDoc, WriteSession, type OpOutcome } from './documents';
import { header, isTrue, parseJsonBody, sessionToken, type Emulator, type Reply, type Request } from './context';

interface WireOperation {
  operationType?: unknown;
  id?: unknown;
  resourceBody?: unknown;
  partitionKey?: unknown;
  ifMatch?: unknown;
  ifNoneMatch?: unknown;
}

interface OpResult {
  statusCode: number;
  requestCharge: number;
  eTag?: string;
  resourceBody?: unknown;
  subStatusCode?: number;
  message?: string;
}

const MAX_ATOMIC_OPERATIONS = 100;

function opPartitionKey(container: ContainerStore, op: WireOperation, fallback: string | undefined): string {
  if (op.partitionKey === undefined || op.partitionKey === null) {
    if (fallback === undefined) throw badRequest('The operation has no partition key.');
    return fallback;
  }
  const raw = typeof op.partitionKey === 'string' ? op.partitionKey : JSON.stringify(op.partitionKey);
  return partitionKeyFromHeader(container, raw, true) as string;
}

function runOperation(session: WriteSession, op: WireOperation, pk: string): OpOutcome {
  const ifMatch = typeof op.ifMatch === 'string' ? op.ifMatch : undefined;
  const idOf = () => {
    if (typeof op.id !== 'string' || op.id === '') throw badRequest('The operation needs an "id".');
    return op.id;
  };
  switch (op.operationType) {
    case 'Create':
      return createDoc(session, op.resourceBody, pk);
    case 'Upsert':
      return upsertDoc(session, op.resourceBody, pk, ifMatch);
    case 'Replace':
      return replaceDoc(session, idOf(), op.resourceBody, pk, ifMatch);
    case 'Delete':
      return deleteDoc(session, idOf(), pk, ifMatch);
    case 'Patch':
      return patchDoc(session, idOf(), pk, op.resourceBody, ifMatch);
    case 'Read': {
      const entry = readDoc(session.container, idOf(), pk);
      if (typeof op.ifNoneMatch === 'string' && op.ifNoneMatch === entry.doc._etag) return { status: 304 };
      return { status: 200, entry };
    }
    default:
      throw badRequest(`Unknown batch operation type '${String(op.operationType)}'.`);
  }
}

function success(outcome: OpOutcome, minimal: boolean): OpResult {
  const result: OpResult = { statusCode: outcome.status, requestCharge: 1 };
  if (outcome.entry) {
    result.eTag = outcome.entry.doc._etag as string;
    if (!minimal) result.resourceBody = outcome.entry.doc;
  }
  return result;
}

function failure(error: unknown): OpResult {
  if (error instanceof CosmosError) {
    return { statusCode: error.status, requestCharge: 1, message: error.message, ...(error.substatus ? { subStatusCode: error.substatus } : {}) };
  }
  throw error;
}

export function batchRequest(emu: Emulator, req: Request, container: ContainerStore): Reply {
  const atomic = isTrue(req, 'x-ms-cosmos-batch-atomic');
  const minimal = header(req, 'prefer')?.includes('return=minimal') === true;
  const body = parseJsonBody(req);
  if (!Array.isArray(body) || body.length === 0) throw badRequest('A batch request body must be a non-empty array of operations.');
  const ops = body as WireOperation[];
  if (ops.some((op) => op === null || typeof op !== 'object')) throw badRequest('Each batch operation must be an object.');

  if (atomic) {
    if (ops.length > MAX_ATOMIC_OPERATIONS) throw badRequest(`A transactional batch has at most ${MAX_ATOMIC_OPERATIONS} operations.`);
    const pk = partitionKeyFromHeader(container, header(req, 'x-ms-documentdb-partitionkey'), true) as string;
    for (const op of ops) {
      if (opPartitionKey(container, op, pk) !== pk) {
        throw badRequest('All operations of a transactional batch must target the partition key of the batch.');
      }
    }
    const session = new WriteSession(container);
    session.smallRequest = req.body.length <= MAX_DOCUMENT_BYTES;
    const results: OpResult[] = [];
    let failedAt = -1;
    for (let i = 0; i < ops.length; i++) {
      try {
        results.push(success(runOperation(session, ops[i], pk), minimal));
      } catch (error) {
        results.push(failure(error));
        failedAt = i;
        break;
      }
    }
    if (failedAt >= 0) {
      session.rollback();
      const failed = results[failedAt];
      const all = ops.map((_, i) => (i === failedAt ? failed : { statusCode: 424, requestCharge: 1 }));
      return { status: 207, headers: { 'x-ms-session-token': sessionToken(container) }, body: all };
    }
    session.commit(emu);
    return { status: 200, headers: { 'x-ms-session-token': sessionToken(container) }, body: results };
  }

  // Bulk: independent operations, journaled together as one record.
  const session = new WriteSession(container);
  session.smallRequest = req.body.length <= MAX_DOCUMENT_BYTES;
  const results: OpResult[] = [];
  let anyFailed = false;
  for (const op of ops) {
    try {
      const pk = opPartitionKey(container, op, undefined);
      results.push(success(runOperation(session, op, pk), minimal));
    } catch (error) {
      results.push(failure(error));
      anyFailed = true;
    }
  }
  session.commit(emu);
  return { status: anyFailed ? 207 : 200, headers: { 'x-ms-session-token': sessionToken(container) }, body: results };
}
