// Databases and containers of the emulated account, and the journal records that change them.
import { randomBytes } from 'node:crypto';
import { ContainerStore, type ContainerMeta } from './container';
import type { DocEntry } from './docEntry';

export type DbMeta = Record<string, unknown> & { id: string; _rid: string };

export interface Database {
  meta: DbMeta;
  containers: Map<string, ContainerStore>;
}

/** A document write inside a journal record: [0, doc, lsn, tsMs] puts, [1, pk, id, lsn] deletes. */
export type WriteOp = [0, Record<string, unknown>, number, number] | [1, string, string, number];

export type StoreRecord =
  | { t: 'db'; d: DbMeta }
  | { t: 'dbdel'; id: string }
  | { t: 'coll'; db: string; d: ContainerMeta; lsn?: number; rc?: number }
  | { t: 'colldel'; db: string; id: string }
  | { t: 'w'; db: string; c: string; ops: WriteOp[] }
  | { t: 'd'; db: string; c: string; l: number; m: number; d: Record<string, unknown> };

/** Resource ids in the service's style: base64 with '-' for '/'. */
export function ridOf(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\//g, '-');
}

export function newDbRid(): string {
  return ridOf(randomBytes(4));
}

export function newContainerRid(dbRid: string): string {
  const db = Buffer.from(dbRid.replace(/-/g, '/'), 'base64');
  const own = randomBytes(4);
  own[0] |= 0x80; // the service sets the high bit of a collection's own part
  return ridOf(Buffer.concat([db.subarray(0, 4), own]));
}

const ridBases = new Map<string, Buffer>();

export function docRid(containerRid: string, n: number): string {
  let base = ridBases.get(containerRid);
  if (!base) {
    base = Buffer.alloc(8);
    Buffer.from(containerRid.replace(/-/g, '/'), 'base64').copy(base, 0, 0, 8);
    ridBases.set(containerRid, base);
  }
  const bytes = Buffer.allocUnsafe(16);
  base.copy(bytes, 0);
  bytes.writeUInt32BE(Math.floor(n / 0x100000000), 8);
  bytes.writeUInt32BE(n >>> 0, 12);
  return ridOf(bytes);
}

/** The counter part of a document _rid made by docRid (0 when it is not one of ours). */
export function ridCounterOf(rid: unknown): number {
  if (typeof rid !== 'string') return 0;
  const bytes = Buffer.from(rid.replace(/-/g, '/'), 'base64');
  return bytes.length === 16 ? Number(bytes.readBigUInt64BE(8)) : 0;
}

export class Account {
  readonly databases = new Map<string, Database>();

  database(id: string): Database | undefined {
    return this.databases.get(id);
  }

  container(db: string, id: string): ContainerStore | undefined {
    return this.databases.get(db)?.containers.get(id);
  }

  containerByRid(db: string, rid: string): ContainerStore | undefined {
    const database = this.databases.get(db);
    if (!database) return undefined;
    for (const c of database.containers.values()) if (c.rid === rid) return c;
    return undefined;
  }

  /** Builds the entry a put stores (used by live writes and by replay alike). */
  static entryFor(container: ContainerStore, doc: Record<string, unknown>, lsn: number, tsMs: number, seq?: number): DocEntry {
    if (seq === undefined) {
      seq = ridCounterOf(doc._rid);
      if (seq > container.ridCounter) container.ridCounter = seq;
    }
    return {
      id: doc.id as string,
      pk: container.partitionKeyOf(doc),
      doc,
      seq,
      lsn,
      tsMs,
      expiresAt: container.expiryOf(doc, tsMs),
    };
  }

  /** Applies a journal or snapshot record (start-up replay). */
  apply(record: StoreRecord): void {
    switch (record.t) {
      case 'db': {
        const existing = this.databases.get(record.d.id);
        if (existing && existing.meta._rid === record.d._rid) existing.meta = record.d;
        else this.databases.set(record.d.id, { meta: record.d, containers: new Map() });
        return;
      }
      case 'dbdel':
        this.databases.delete(record.id);
        return;
      case 'coll': {
        const db = this.databases.get(record.db);
        if (!db) return;
        let container = db.containers.get(record.d.id);
        if (container && container.rid === record.d._rid) container.setMeta(record.d);
        else {
          container = new ContainerStore(record.d, record.db);
          container.restoring = true;
          db.containers.set(record.d.id, container);
        }
        if (record.lsn !== undefined) container.lsn = Math.max(container.lsn, record.lsn);
        if (record.rc !== undefined) container.ridCounter = Math.max(container.ridCounter, record.rc);
        return;
      }
      case 'colldel':
        this.databases.get(record.db)?.containers.delete(record.id);
        return;
      case 'd': {
        const container = this.containerByRid(record.db, record.c);
        if (container) container.put(Account.entryFor(container, record.d, record.l, record.m));
        return;
      }
      case 'w': {
        const container = this.containerByRid(record.db, record.c);
        if (!container) return;
        for (const op of record.ops) {
          if (op[0] === 0) {
            container.put(Account.entryFor(container, op[1], op[2], op[3]));
          } else {
            container.remove(op[1], op[2]);
            container.lsn = Math.max(container.lsn, op[3]);
          }
        }
        container.version++;
        return;
      }
    }
  }

  /** Ends start-up replay: builds what replay leaves out (see ContainerStore.endRestore). */
  endRestore(): void {
    for (const db of this.databases.values()) for (const c of db.containers.values()) c.endRestore();
  }

  /** The whole state as snapshot records, read live (see Journal.compact). */
  *records(): Generator<StoreRecord> {
    for (const db of this.databases.values()) {
      yield { t: 'db', d: db.meta };
      for (const c of db.containers.values()) {
        yield { t: 'coll', db: db.meta.id, d: c.meta, lsn: c.lsn, rc: c.ridCounter };
        for (const partition of c.partitions.values()) {
          for (const e of partition.values()) yield { t: 'd', db: db.meta.id, c: c.rid, l: e.lsn, m: e.tsMs, d: e.doc };
        }
      }
    }
  }
}
