// Local Azure Cosmos DB for NoSQL emulator: the REST protocol of the @azure/cosmos SDK over plain
// HTTP (keep-alive), documents in memory, every acknowledged write journaled under `dataDir`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Account, type StoreRecord } from './store/account';
import { Journal } from './store/journal';
import { lockDataDir } from '../dataDirLock';
import { migrateStandInData, retireStandInFiles } from './store/migrate';
import { createRequestListener } from './http/router';
import { dropCursors } from './http/query';
import { upsertDoc, WriteSession } from './http/documents';
import type { Emulator } from './http/context';

/** The Cosmos DB emulator's published account key (public, not a secret). */
export const EMULATOR_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export function cosmosConnectionString(endpoint: string, key = EMULATOR_KEY): string {
  return `AccountEndpoint=${endpoint};AccountKey=${key};`;
}

export interface CosmosEmulatorOptions {
  /** Where the snapshot and journals live; created if missing. */
  dataDir: string;
  /** Default 8081 (the emulator's port); 0 picks a free port. */
  port?: number;
  host?: string;
  log?: (line: string) => void;
  /** Journal size after which the state is streamed into a new snapshot. Default 64 MiB. */
  compactAfterBytes?: number;
  /** fdatasync every journal record (survives power loss, not only a killed process). Default false. */
  fsync?: boolean;
  /** Interval of the background TTL purge. Default 1000 ms. */
  ttlPurgeIntervalMs?: number;
}

export interface CosmosEmulator {
  port: number;
  endpoint: string;
  key: string;
  connectionString: string;
  stop(): Promise<void>;
  /** In-process access for tests and the bench loader. */
  readonly account: Account;
  /** Resolves when no compaction is running. */
  idle(): Promise<void>;
  /**
   * In-process loader (bench, seeding): upserts `docs` into an existing container exactly as the
   * API would, journaled as one record. Returns how many were written.
   */
  load(dbId: string, containerId: string, docs: Record<string, unknown>[]): number;
}

export async function startCosmos(opts: CosmosEmulatorOptions): Promise<CosmosEmulator> {
  const log = opts.log ?? (() => {});
  const release = lockDataDir(opts.dataDir, 'cosmos-emulator.lock', 'Cosmos DB emulator');
  try {
    return await open(opts, log, release);
  } catch (error) {
    release();
    throw error;
  }
}

async function open(opts: CosmosEmulatorOptions, log: (line: string) => void, release: () => void): Promise<CosmosEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const compactAfterBytes = opts.compactAfterBytes ?? 64 * 1024 * 1024;
  const account = new Account();
  const journal = new Journal(opts.dataDir, { fsync: opts.fsync, log });

  const migrated = migrateStandInData(opts.dataDir, account, log);
  const restored = journal.load((record) => account.apply(record as StoreRecord));
  account.endRestore();
  if (restored > 0) log(`Cosmos DB emulator restored ${restored} records from ${opts.dataDir}`);

  const compact = () =>
    journal.compact(() => account.records()).catch((error: unknown) => {
      log(`Cosmos DB emulator: compaction failed (journals kept): ${(error as Error).message}`);
    });
  if (migrated) {
    await compact();
    retireStandInFiles(opts.dataDir);
  } else if (journal.size > compactAfterBytes) void compact(); // in the background; writes go on

  const emu: Emulator = {
    account,
    journal,
    log,
    record(record: unknown) {
      journal.append(record);
      if (journal.size > compactAfterBytes && !journal.isCompacting) void compact();
    },
  };

  const purgeTimer = setInterval(() => {
    const now = Date.now();
    for (const db of account.databases.values()) for (const c of db.containers.values()) c.purgeExpired(now);
  }, opts.ttlPurgeIntervalMs ?? 1000);
  purgeTimer.unref();

  const key = Buffer.from(EMULATOR_KEY, 'base64');
  const server = http.createServer({ keepAlive: true }, createRequestListener(emu, key));
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 8081, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(purgeTimer);
    await journal.idle();
    journal.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host}:${port}/`;

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      clearInterval(purgeTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await journal.idle();
      // A clean stop leaves a fresh snapshot, so the next start replays no journal.
      if (journal.size > 0) await compact();
      journal.close();
      dropCursors();
      release();
    })());

  return {
    port,
    endpoint,
    key: EMULATOR_KEY,
    connectionString: cosmosConnectionString(endpoint),
    stop,
    account,
    idle: () => journal.idle(),
    load(dbId: string, containerId: string, docs: Record<string, unknown>[]) {
      const container = account.container(dbId, containerId);
      if (!container) throw new Error(`container ${dbId}/${containerId} does not exist`);
      const session = new WriteSession(container);
      session.smallRequest = true;
      for (const doc of docs) upsertDoc(session, doc, undefined, undefined);
      session.commit(emu);
      return docs.length;
    },
  };
}
