// Reads and restores the in-memory account of @vercel/cosmosdb-server, and captures every change
// made to it while a request is handled, so the stand-in can journal it.
//
// The package keeps all state in `Items` collections (databases, collections, documents); every
// write ends in `Items.prototype._set` (create, replace, upsert, patch, bulk) or
// `Items.prototype.delete`. Those two are wrapped once per process; a change is reported only
// when it happens inside `withRecorder` (a request of a persistent server), found through
// AsyncLocalStorage, so restores and other servers in the same process are not journaled.
import { AsyncLocalStorage } from 'node:async_hooks';
import Account from '@vercel/cosmosdb-server/lib/account';
import Items from '@vercel/cosmosdb-server/lib/account/items';
import Databases from '@vercel/cosmosdb-server/lib/account/databases';
import Collections from '@vercel/cosmosdb-server/lib/account/collections';
import Documents from '@vercel/cosmosdb-server/lib/account/documents';
import type { StoreRecord, StoredResource } from './journal';

export interface Recorder {
  account: Account;
  record(record: StoreRecord): void;
}

interface RecorderState {
  recorder: Recorder;
  /** >0 while inside `replace`, whose internal delete is not a change of its own. */
  replaceDepth: number;
}

const context = new AsyncLocalStorage<RecorderState>();
let hooksInstalled = false;

/** Runs `fn` (a request handler) so that the account changes it makes are passed to `recorder`. */
export function withRecorder<T>(recorder: Recorder, fn: () => T): T {
  installHooks();
  return context.run({ recorder, replaceDepth: 0 }, fn);
}

function dbIdOfCollection(account: Account, collection: StoredResource | undefined): string | undefined {
  // A collection's _self is "/dbs/<db rid>/colls/<coll rid>".
  const dbRid = typeof collection?._self === 'string' ? collection._self.split('/')[2] : undefined;
  const db = dbRid === undefined ? undefined : account.databases._data.get(dbRid)?.read();
  return typeof db?.id === 'string' ? db.id : undefined;
}

function describeSet(account: Account, items: Items, data: StoredResource): StoreRecord | undefined {
  if (items instanceof Databases) return { t: 'db', op: 'set', n: items._ridCount, d: data };
  if (items instanceof Collections) {
    const db = items._parent.read()?.id;
    return typeof db === 'string' ? { t: 'coll', db, op: 'set', n: items._ridCount, d: data } : undefined;
  }
  if (items instanceof Documents) {
    const collection = items._parent.read();
    const db = dbIdOfCollection(account, collection);
    const coll = collection?.id;
    if (db === undefined || typeof coll !== 'string') return undefined;
    return { t: 'doc', db, coll, op: 'set', n: items._ridCount, d: data };
  }
  return undefined; // partition key ranges, user-defined functions: not persisted
}

function describeDelete(account: Account, items: Items, data: StoredResource): StoreRecord | undefined {
  const id = data.id as string;
  if (items instanceof Databases) return { t: 'db', op: 'del', id };
  if (items instanceof Collections) {
    const db = items._parent.read()?.id;
    return typeof db === 'string' ? { t: 'coll', db, op: 'del', id } : undefined;
  }
  if (items instanceof Documents) {
    const collection = items._parent.read();
    const db = dbIdOfCollection(account, collection);
    const coll = collection?.id;
    if (db === undefined || typeof coll !== 'string') return undefined;
    return { t: 'doc', db, coll, op: 'del', id, pk: items._getPartition(data) ?? null };
  }
  return undefined;
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const proto = Items.prototype;
  const originalSet = proto._set;
  const originalDelete = proto.delete;
  const originalReplace = proto.replace;

  proto._set = function (this: Items, data: StoredResource) {
    const result = originalSet.call(this, data);
    const state = context.getStore();
    if (state) {
      const record = describeSet(state.recorder.account, this, result);
      if (record) state.recorder.record(record);
    }
    return result;
  };

  proto.delete = function (this: Items, idOrRid: string, partition?: unknown) {
    const state = context.getStore();
    const existing = state && state.replaceDepth === 0 ? this._item('/id', idOrRid, partition).read() : undefined;
    originalDelete.call(this, idOrRid, partition);
    if (state && existing) {
      const record = describeDelete(state.recorder.account, this, existing);
      if (record) state.recorder.record(record);
    }
  };

  proto.replace = function (this: Items, data: StoredResource, original: StoredResource) {
    const state = context.getStore();
    if (state) state.replaceDepth++;
    try {
      return originalReplace.call(this, data, original);
    } finally {
      if (state) state.replaceDepth--;
    }
  };
}

/** Applies one journal or snapshot record to the account (used on start, outside any recorder). */
export function applyRecord(account: Account, record: StoreRecord): void {
  switch (record.t) {
    case 'db': {
      const items = account.databases;
      if (record.op === 'set') {
        items._set(record.d);
        items._ridCount = Math.max(items._ridCount, record.n);
      } else if (account.database(record.id).read()) {
        items.delete(record.id);
      }
      return;
    }
    case 'coll': {
      const db = account.database(record.db);
      if (!db.read()) return;
      if (record.op === 'set') {
        db.collections._set(record.d);
        db.collections._ridCount = Math.max(db.collections._ridCount, record.n);
      } else if (db.collection(record.id).read()) {
        db.collections.delete(record.id);
      }
      return;
    }
    case 'doc': {
      const collection = account.database(record.db).collection(record.coll);
      if (!collection.read()) return;
      const docs = collection.documents;
      if (record.op === 'set') {
        docs._set(record.d);
        docs._ridCount = Math.max(docs._ridCount, record.n);
      } else {
        const pk = record.pk === null ? undefined : record.pk;
        if (docs._item('/id', record.id, pk).read()) docs.delete(record.id, pk);
      }
      return;
    }
  }
}

/** The whole account as snapshot records: databases, then their collections, then documents. */
export function* accountRecords(account: Account): Generator<StoreRecord> {
  const dbs = account.databases;
  for (const database of dbs._data.values()) {
    const dbData = database.read();
    if (!dbData) continue;
    yield { t: 'db', op: 'set', n: dbs._ridCount, d: dbData };
    const db = dbData.id as string;
    const colls = database.collections;
    for (const collection of colls._data.values()) {
      const collData = collection.read();
      if (!collData) continue;
      yield { t: 'coll', db, op: 'set', n: colls._ridCount, d: collData };
      const coll = collData.id as string;
      const docs = collection.documents;
      for (const doc of docs._data.values()) {
        const d = doc.read();
        if (d) yield { t: 'doc', db, coll, op: 'set', n: docs._ridCount, d };
      }
    }
  }
}
