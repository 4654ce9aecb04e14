// Local stand-in for Azure Cosmos DB for NoSQL: @vercel/cosmosdb-server's in-memory account
// served over plain HTTP with keep-alive, made durable by a journal under `dataDir`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Account from '@vercel/cosmosdb-server/lib/account';
import { Journal } from './journal';
import { accountRecords, applyRecord } from './accountStore';
import { createRequestListener } from './requestHandler';
import { EMULATOR_KEY, cosmosConnectionString } from './wellKnownKey';

export interface CosmosStandInOptions {
  /** Where the snapshot and journal live; created if missing. */
  dataDir: string;
  /** Default 8081 (the emulator's port); 0 picks a free port. */
  port?: number;
  host?: string;
  log?: (line: string) => void;
  /** Journal size after which it is folded into a new snapshot. Default 64 MiB. */
  compactAfterBytes?: number;
  /** fsync every journal line (survives power loss, not only a killed process). Default false. */
  fsync?: boolean;
}

export interface CosmosStandIn {
  port: number;
  endpoint: string;
  key: string;
  connectionString: string;
  stop(): Promise<void>;
}

function pointAccountAt(account: Account, endpoint: string): void {
  // The package advertises https://… as the write/read region; clients follow that address.
  for (const field of ['writableLocations', 'readableLocations']) {
    const locations = account._data[field] as { databaseAccountEndpoint: string }[];
    for (const location of locations) location.databaseAccountEndpoint = endpoint;
  }
}

export async function startCosmos(opts: CosmosStandInOptions): Promise<CosmosStandIn> {
  const log = opts.log ?? (() => {});
  const host = opts.host ?? '127.0.0.1';
  const compactAfterBytes = opts.compactAfterBytes ?? 64 * 1024 * 1024;
  const journal = new Journal(opts.dataDir, { fsync: opts.fsync, log });
  const account = new Account(host, opts.port ?? 8081);

  const restored = journal.load((record) => applyRecord(account, record));
  // Start every run from a fresh snapshot: folds the old journal in and drops a torn last line.
  journal.compact(accountRecords(account));
  if (restored > 0) log(`Cosmos DB stand-in restored ${restored} records from ${opts.dataDir}`);

  let compactionScheduled = false;
  const compact = () => {
    compactionScheduled = false;
    try {
      journal.compact(accountRecords(account));
    } catch (error) {
      log(`Cosmos DB stand-in: compaction failed (journal kept): ${(error as Error).message}`);
    }
  };
  const recorder = {
    account,
    record(record: Parameters<Journal['append']>[0]) {
      journal.append(record);
      if (!compactionScheduled && journal.size > compactAfterBytes) {
        compactionScheduled = true;
        setImmediate(compact);
      }
    },
  };

  const server = http.createServer({ keepAlive: true }, createRequestListener(account, recorder, log));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8081, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host}:${port}/`;
  pointAccountAt(account, endpoint);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      journal.compact(accountRecords(account));
      journal.close();
    })());

  return { port, endpoint, key: EMULATOR_KEY, connectionString: cosmosConnectionString(endpoint), stop };
}
