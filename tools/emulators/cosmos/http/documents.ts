// Document writes and point reads, shared by single requests, bulk and transactional batches.
// A WriteSession applies operations to the container at once (synchronously, so no other request
// sees a half-done batch), remembers how to undo them, and commits them as ONE journal record.
import { Account, docRid, type WriteOp } from '../store/account';
import type { ContainerStore } from '../store/container';
import type { DocEntry } from '../store/docEntry';
import { compileQuery, QueryError } from '../query';
import { applyPatch, type PatchBody } from './patch';
import { badRequest, conflict, CosmosError, notFound, preconditionFailed, tooLarge } from './errors';
import { validateId, type Emulator } from './context';

export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
const SYSTEM_KEYS = new Set(['_rid', '_self', '_etag', '_attachments', '_ts', '_lsn']);

export class WriteSession {
  readonly ops: WriteOp[] = [];
  private readonly undo: (() => void)[] = [];
  private readonly startLsn: number;
  private readonly startRid: number;
  readonly now = Date.now();
  /** Set when the whole request is smaller than a document may be: no per-document size check. */
  smallRequest = false;

  constructor(readonly container: ContainerStore) {
    this.startLsn = container.lsn;
    this.startRid = container.ridCounter;
  }

  put(e: DocEntry): void {
    const c = this.container;
    const previous = c.partitions.get(e.pk)?.get(e.id);
    c.put(e);
    this.ops.push([0, e.doc, e.lsn, e.tsMs]);
    this.undo.push(() => {
      if (previous) c.put(previous);
      else c.remove(e.pk, e.id);
    });
  }

  remove(pk: string, id: string, lsn: number): void {
    const c = this.container;
    const previous = c.remove(pk, id);
    this.ops.push([1, pk, id, lsn]);
    if (previous) this.undo.push(() => c.put(previous));
  }

  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]();
    this.container.lsn = this.startLsn;
    this.container.ridCounter = this.startRid;
    this.ops.length = 0;
    this.undo.length = 0;
  }

  /** Journals the applied operations as one record (undoing them if that fails). */
  commit(emu: Emulator): void {
    if (this.ops.length === 0) return;
    try {
      emu.record({ t: 'w', db: this.container.dbId, c: this.container.rid, ops: this.ops });
    } catch (error) {
      this.rollback();
      throw new CosmosError(500, `The write could not be journaled: ${(error as Error).message}`);
    }
  }
}

const etagPrefixes = new WeakMap<ContainerStore, string>();

function etagFor(container: ContainerStore, lsn: number): string {
  let prefix = etagPrefixes.get(container);
  if (prefix === undefined) {
    prefix = `"${container.rid.slice(0, 8).replace(/[^0-9a-zA-Z]/g, '0')}-0000-0000-0000-`;
    etagPrefixes.set(container, prefix);
  }
  return `${prefix}${lsn.toString(16).padStart(12, '0')}"`;
}

/** The partition key header value as a key comparable with ContainerStore.partitionKeyOf. */
export function partitionKeyFromHeader(container: ContainerStore, raw: string | undefined, required: boolean): string | undefined {
  if (raw === undefined) {
    if (required) throw badRequest('PartitionKey value must be supplied for this operation.');
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw badRequest(`The partition key header value '${raw}' is not valid JSON.`);
  }
  if (!Array.isArray(value)) value = [value];
  const parts = value as unknown[];
  if (parts.length !== container.pkPaths.length) {
    throw badRequest(
      `Partition key provided either doesn't correspond to definition in the collection or doesn't match partition key field values specified in the document. (${parts.length} component(s) given, the container has ${container.pkPaths.length}.)`,
    );
  }
  return JSON.stringify(parts);
}

function checkSize(body: Record<string, unknown>): void {
  // Cheap for typical documents; exact for the 2 MB limit.
  if (Buffer.byteLength(JSON.stringify(body)) > MAX_DOCUMENT_BYTES) throw tooLarge();
}

function buildEntry(session: WriteSession, body: Record<string, unknown>, previous: DocEntry | undefined): DocEntry {
  const c = session.container;
  const lsn = ++c.lsn;
  const doc: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    if (SYSTEM_KEYS.has(key)) continue;
    // A "__proto__" property from JSON is data: define it rather than set the prototype.
    if (key === '__proto__') Object.defineProperty(doc, key, { value: body[key], enumerable: true, writable: true, configurable: true });
    else doc[key] = body[key];
  }
  const seq = previous ? previous.seq : ++c.ridCounter;
  const rid = previous ? (previous.doc._rid as string) : docRid(c.rid, seq);
  doc._rid = rid;
  doc._self = `${c.meta._self as string}docs/${rid}/`;
  doc._etag = etagFor(c, lsn);
  doc._attachments = 'attachments/';
  doc._ts = Math.floor(session.now / 1000);
  return Account.entryFor(c, doc, lsn, session.now, seq);
}

function checkDocument(session: WriteSession, body: unknown, pk: string | undefined): { doc: Record<string, unknown>; pk: string } {
  const container = session.container;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The document must be a JSON object.');
  const doc = body as Record<string, unknown>;
  validateId(doc.id);
  if (!session.smallRequest) checkSize(doc);
  const docPk = container.partitionKeyOf(doc);
  if (pk !== undefined && pk !== docPk) {
    throw badRequest("PartitionKey extracted from document doesn't match the one specified in the header. Learn more: https://aka.ms/CosmosDB/sql/errors/wrong-pk-value");
  }
  return { doc, pk: docPk };
}

export interface OpOutcome {
  status: number;
  entry?: DocEntry;
}

export function createDoc(session: WriteSession, body: unknown, pk: string | undefined): OpOutcome {
  const checked = checkDocument(session, body, pk);
  const id = checked.doc.id as string;
  if (session.container.get(checked.pk, id, session.now)) throw conflict();
  // An expired entry not yet purged is simply replaced (and restored if the batch fails).
  const entry = buildEntry(session, checked.doc, undefined);
  session.put(entry);
  return { status: 201, entry };
}

export function upsertDoc(session: WriteSession, body: unknown, pk: string | undefined, ifMatch: string | undefined): OpOutcome {
  const checked = checkDocument(session, body, pk);
  const id = checked.doc.id as string;
  const existing = session.container.get(checked.pk, id, session.now);
  if (ifMatch !== undefined && (!existing || (ifMatch !== '*' && ifMatch !== existing.doc._etag))) throw preconditionFailed();
  const entry = buildEntry(session, checked.doc, existing);
  session.put(entry);
  return { status: existing ? 200 : 201, entry };
}

export function replaceDoc(session: WriteSession, id: string, body: unknown, pk: string | undefined, ifMatch: string | undefined): OpOutcome {
  const checked = checkDocument(session, body, pk);
  if (checked.doc.id !== id) throw badRequest(`The id '${String(checked.doc.id)}' in the document does not match the id '${id}' addressed.`);
  const existing = session.container.get(checked.pk, id, session.now);
  if (!existing) throw notFound();
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== existing.doc._etag) throw preconditionFailed();
  const entry = buildEntry(session, checked.doc, existing);
  session.put(entry);
  return { status: 200, entry };
}

export function deleteDoc(session: WriteSession, id: string, pk: string, ifMatch: string | undefined): OpOutcome {
  const existing = session.container.get(pk, id, session.now);
  if (!existing) throw notFound();
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== existing.doc._etag) throw preconditionFailed();
  session.remove(pk, id, ++session.container.lsn);
  return { status: 204 };
}

export function readDoc(container: ContainerStore, id: string, pk: string): DocEntry {
  const existing = container.get(pk, id);
  if (!existing) throw notFound();
  return existing;
}

/** Evaluates a conditional patch's "FROM c WHERE …" against the document through the query engine. */
function conditionHolds(condition: string, doc: Record<string, unknown>): boolean {
  let compiled;
  try {
    compiled = compileQuery(`SELECT VALUE 1 ${condition}`, []);
  } catch (error) {
    if (error instanceof QueryError) throw badRequest(`The patch condition is invalid: ${error.message}`);
    throw error;
  }
  for (const _ of compiled.run([doc as never], {})) return true;
  return false;
}

export function patchDoc(session: WriteSession, id: string, pk: string, body: unknown, ifMatch: string | undefined): OpOutcome {
  const existing = session.container.get(pk, id, session.now);
  if (!existing) throw notFound();
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== existing.doc._etag) throw preconditionFailed();
  const patch = (Array.isArray(body) ? { operations: body } : body) as PatchBody;
  if (patch === null || typeof patch !== 'object' || !Array.isArray(patch.operations)) {
    throw badRequest('The patch request body must hold "operations", an array of patch operations.');
  }
  if (patch.condition !== undefined) {
    if (typeof patch.condition !== 'string') throw badRequest('The patch condition must be a string like "FROM c WHERE …".');
    if (!conditionHolds(patch.condition, existing.doc)) throw preconditionFailed();
  }
  const patched = applyPatch(existing.doc, patch.operations);
  if (patched.id !== id) throw badRequest('The id of a document cannot be changed by a patch.');
  if (session.container.partitionKeyOf(patched) !== pk) throw badRequest('The partition key of a document cannot be changed by a patch.');
  checkSize(patched);
  const entry = buildEntry(session, patched, existing);
  session.put(entry);
  return { status: 200, entry };
}
