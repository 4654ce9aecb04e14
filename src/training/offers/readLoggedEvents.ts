// Reads the raw archive (Blob container or a local folder of Capture Avro) into the learning
// loop's events, each once: readArchive drops redelivered (partition, sequence) copies and the
// collector drops re-sent copies and repeated decision eventIds. The archive is read by enqueued
// time, wider than the decision range: rewards come up to the reward wait time later. Events a
// Log_Delete removed are left out even while their blobs wait for the retention lock to let them
// be rewritten (the deletion's tombstone, src/archive/logDeletions.ts).
import type { ContainerClient } from '@azure/storage-blob';
import { ArchiveInputError } from '../../archive/archiveInputError';
import { readArchive, readArchiveFolder } from '../../archive/archiveReader';
import { isTombstoned, readFolderTombstones, readTombstones, type Tombstone } from '../../archive/logDeletions';
import { LoggedEventCollector, type CollectedEvents, type CollectedStats } from './loggedEventCollector';
import { TrainingDataError } from '../trainingDataError';

export type ArchiveLocation = { container: ContainerClient } | { folder: string };

/** RankingRewardWaitSeconds' upper limit: rewards of a decision arrive at most this long after it. */
export const MAX_REWARD_WAIT_MS = 7 * 86_400_000;
/** Allowance between a decision's issue time (the ranker's clock) and its enqueued time (Event Hubs'). */
export const ENQUEUE_SLACK_MS = 3_600_000;
const PROGRESS_EVERY = 5000;

export interface ArchiveStats extends CollectedStats {
  source: string;
  /** Learning events left out because a log deletion covers them (blobs not rewritten yet). */
  deletedByTombstone: number;
  /** Enqueued-time window read. */
  readFrom: string | null;
  readTo: string | null;
}

export interface EventLog extends CollectedEvents {
  stats: ArchiveStats;
}

export interface ReadLoggedEventsOptions {
  /** Decision issue-time range; the archive is read from `from` − slack to `to` + max wait + slack. */
  from?: Date;
  to?: Date;
  onProgress?: (eventsRead: number, done: boolean) => void;
}

function describe(location: ArchiveLocation): string {
  return 'folder' in location ? `folder ${location.folder}` : `container ${location.container.containerName}`;
}

/** Errors that say the archive's content (or the folder given) is bad, as opposed to I/O failures. */
function isDataError(error: unknown): boolean {
  if (error instanceof ArchiveInputError) return true;
  const e = error as { cause?: unknown; message?: unknown };
  return e?.cause !== undefined && typeof e.message === 'string' && /\.avro: /.test(e.message);
}

export async function readLoggedEvents(location: ArchiveLocation, opts: ReadLoggedEventsOptions = {}): Promise<EventLog> {
  const readFrom = opts.from ? new Date(opts.from.getTime() - ENQUEUE_SLACK_MS) : undefined;
  const readTo = opts.to ? new Date(opts.to.getTime() + MAX_REWARD_WAIT_MS + ENQUEUE_SLACK_MS) : undefined;
  const source = describe(location);
  const collector = new LoggedEventCollector();
  let deletedByTombstone = 0;
  try {
    const range = { ...(readFrom ? { from: readFrom } : {}), ...(readTo ? { to: readTo } : {}) };
    const tombstones: Tombstone[] = 'folder' in location ? readFolderTombstones(location.folder) : await readTombstones(location.container);
    const events = 'folder' in location ? readArchiveFolder(location.folder, range) : readArchive(location.container, range);
    for await (const event of events) {
      if (isTombstoned(event.body, event.enqueuedTimeUtc.getTime(), tombstones)) {
        deletedByTombstone++;
        continue;
      }
      collector.add(event.body);
      if (collector.stats.events % PROGRESS_EVERY === 0) opts.onProgress?.(collector.stats.events, false);
    }
  } catch (error) {
    if (isDataError(error)) throw new TrainingDataError(`archive (${source}): cannot be read: ${(error as Error).message}`);
    if ((error as { code?: unknown })?.code === 'ContainerNotFound') throw new TrainingDataError(`archive: ${source} does not exist (nothing archived yet?)`);
    throw error;
  }
  opts.onProgress?.(collector.stats.events, true);
  return {
    ...collector.collected,
    stats: { source, deletedByTombstone, readFrom: readFrom?.toISOString() ?? null, readTo: readTo?.toISOString() ?? null, ...collector.stats },
  };
}
