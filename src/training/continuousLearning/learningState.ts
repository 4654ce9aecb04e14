// What continuous learning remembers between ticks, as one blob next to the model's versions in
// the registry (`<name>/learning-state`): when it last ran and with what outcome, the window it
// read (to size the next one), and the newest decision it trained on (to skip runs with nothing
// new). Written with If-Match on the ETag read at the start of the tick, so two instances that
// tick together (the host's timer lock normally prevents it) cannot both record a run.
import type { ContainerClient } from '@azure/storage-blob';
import type { ObservedWindow } from './learningWindow';

export const learningStatePath = (name: string) => `${name}/learning-state`;

export interface LearningState {
  schemaVersion: 1;
  lastRunAt: string;
  lastStatus: 'promoted' | 'registered' | 'rejected' | 'failed';
  lastReason: string | null;
  lastVersion: string | null;
  /** Issue time of the newest decision a run trained on (a registered or promoted model). */
  trainedThrough: string | null;
  window: ObservedWindow | null;
  runs: number;
  promotions: number;
}

export interface StoredState {
  state: LearningState | undefined;
  /** ETag of the blob read; undefined when there was none. */
  etag: string | undefined;
}

const statusOf = (e: unknown) => (e as { statusCode?: number } | null)?.statusCode;

export class LearningStateConflictError extends Error {}

export async function readLearningState(registry: ContainerClient, name: string): Promise<StoredState> {
  let response;
  try {
    response = await registry.getBlockBlobClient(learningStatePath(name)).download();
  } catch (error) {
    if (statusOf(error) === 404) return { state: undefined, etag: undefined };
    throw error;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of response.readableStreamBody as AsyncIterable<Buffer>) chunks.push(chunk);
  try {
    return { state: JSON.parse(Buffer.concat(chunks).toString('utf8')) as LearningState, etag: response.etag };
  } catch {
    // Unreadable (hand-edited?): start afresh, and overwrite it under its ETag.
    return { state: undefined, etag: response.etag };
  }
}

/** Writes the state if the blob is still the one read (`etag`, or absent when undefined). */
export async function writeLearningState(registry: ContainerClient, name: string, state: LearningState, etag: string | undefined): Promise<void> {
  const body = JSON.stringify(state, null, 2);
  try {
    await registry.getBlockBlobClient(learningStatePath(name)).upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
      conditions: etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: etag },
    });
  } catch (error) {
    if (statusOf(error) === 412 || statusOf(error) === 409) {
      throw new LearningStateConflictError(`${learningStatePath(name)} was written by another run meanwhile`);
    }
    throw error;
  }
}
