// One-time migration of a data directory written by the previous stand-in (@vercel/cosmosdb-server
// with snapshot.ndjson + journal-<G>.ndjson of {t: db|coll|doc, op: set|del} records). Runs only
// when the directory has none of our own files; the old files are renamed *.migrated afterwards.
import fs from 'node:fs';
import path from 'node:path';
import { Account, docRid, newContainerRid, newDbRid, type DbMeta } from './account';
import { ContainerStore, type ContainerMeta } from './container';
import { forEachLine } from './journal';

type OldRecord = { t: string; op: string; db?: string; coll?: string; id?: string; pk?: unknown; d?: Record<string, unknown> };

export function migrateStandInData(dir: string, account: Account, log: (line: string) => void): boolean {
  if (!fs.existsSync(dir)) return false;
  const names = fs.readdirSync(dir);
  if (names.some((n) => /^cosmos-(snapshot|journal-)/.test(n))) return false;
  const snapshot = path.join(dir, 'snapshot.ndjson');
  if (!fs.existsSync(snapshot)) return false;
  let generation = 0;
  let header = true;
  const apply = (record: OldRecord) => {
    if (record.t === 'db') {
      if (record.op === 'set' && record.d && typeof record.d.id === 'string') {
        const rid = newDbRid();
        const meta: DbMeta = { ...record.d, id: record.d.id, _rid: rid, _self: `dbs/${rid}/` };
        if (!account.databases.has(meta.id)) account.databases.set(meta.id, { meta, containers: new Map() });
      } else if (record.op === 'del' && record.id) account.databases.delete(record.id);
    } else if (record.t === 'coll' && record.db) {
      const db = account.database(record.db);
      if (!db) return;
      if (record.op === 'set' && record.d && typeof record.d.id === 'string') {
        const existing = db.containers.get(record.d.id);
        const rid = existing?.rid ?? newContainerRid(db.meta._rid);
        const meta: ContainerMeta = { ...record.d, id: record.d.id, _rid: rid, _self: `dbs/${db.meta._rid}/colls/${rid}/` };
        if (existing) existing.setMeta(meta);
        else db.containers.set(meta.id, new ContainerStore(meta, record.db));
      } else if (record.op === 'del' && record.id) db.containers.delete(record.id);
    } else if (record.t === 'doc' && record.db && record.coll) {
      const c = account.container(record.db, record.coll);
      if (!c) return;
      if (record.op === 'set' && record.d && typeof record.d.id === 'string') {
        const tsMs = typeof record.d._ts === 'number' ? record.d._ts * 1000 : Date.now();
        const rid = docRid(c.rid, ++c.ridCounter);
        const doc = { ...record.d, _rid: rid, _self: `${c.meta._self as string}docs/${rid}/` };
        c.put(Account.entryFor(c, doc, ++c.lsn, tsMs));
      } else if (record.op === 'del' && record.id) {
        const pk = JSON.stringify([record.pk === undefined || record.pk === null ? {} : record.pk]);
        c.remove(pk, record.id);
      }
    }
  };
  forEachLine(snapshot, (line) => {
    if (line === '') return;
    const value = JSON.parse(line) as OldRecord & { generation?: number };
    if (header) {
      generation = Number(value.generation);
      header = false;
      return;
    }
    apply(value);
  });
  const journal = path.join(dir, `journal-${generation}.ndjson`);
  if (fs.existsSync(journal)) {
    forEachLine(journal, (line, isLast) => {
      if (line === '') return;
      try {
        apply(JSON.parse(line) as OldRecord);
      } catch (error) {
        if (!isLast) throw error;
      }
    });
  }
  log(`Cosmos DB emulator: migrating the previous stand-in's data in ${dir}`);
  return true;
}

/** After the migrated state is in our own snapshot: the old files are renamed *.migrated. */
export function retireStandInFiles(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (name === 'snapshot.ndjson' || /^journal-\d+\.ndjson$/.test(name)) fs.renameSync(path.join(dir, name), path.join(dir, `${name}.migrated`));
  }
}
