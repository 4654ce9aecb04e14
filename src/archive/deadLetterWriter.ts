// Stores poison events with the reason they failed, one JSON-lines blob per batch.
import type { ContainerClient } from '@azure/storage-blob';
import type { ReceivedBatch, ReceivedEvent } from '../events/receivedBatch';
import { RetryOptions, withRetry } from '../common/retry';
import { ArchiveInputError } from './archiveInputError';
import { validateBatch, validateEvent } from './batchValidation';
import { bodyBytes } from './eventToCapture';
import { containerCreator } from './ensureContainer';

export interface DeadLetterItem {
  event: ReceivedEvent;
  reason: string;
  /** The bad event's place in an envelope message; `event.body` is then that event alone. */
  position?: number;
}

/** One line of a dead-letter blob. */
export interface DeadLetterRecord {
  eventHub: string;
  partitionId: string;
  consumerGroup: string;
  sequenceNumber: number;
  offset: string;
  enqueuedTimeUtc: string;
  partitionKey?: string;
  properties: Record<string, unknown>;
  reason: string;
  /** Set when the message was an envelope of several events: which one this is (the others were processed). */
  envelopePosition?: number;
  /** `utf8`: body is the text; `base64`: body bytes were not UTF-8; `none`: the event had no body. */
  bodyEncoding: 'utf8' | 'base64' | 'none';
  body: string | null;
}

const pad = (n: number) => String(n).padStart(2, '0');

function bodyText(bytes: Buffer | null): Pick<DeadLetterRecord, 'body' | 'bodyEncoding'> {
  if (bytes === null) return { body: null, bodyEncoding: 'none' };
  const text = bytes.toString('utf8');
  // Invalid UTF-8 decodes to U+FFFD and does not survive the round trip.
  return Buffer.from(text, 'utf8').equals(bytes) ? { body: text, bodyEncoding: 'utf8' } : { body: bytes.toString('base64'), bodyEncoding: 'base64' };
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}

/** `<eventHub>/<partitionId>/<yyyy>/<mm>/<dd>/<firstSeq>-<lastSeq>.json`, dated by the first item's enqueued time. */
export function deadLetterBlobName(eventHub: string, partitionId: string, first: ReceivedEvent, last: ReceivedEvent): string {
  const d = first.enqueuedTimeUtc;
  return `${eventHub}/${partitionId}/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${first.sequenceNumber}-${last.sequenceNumber}.json`;
}

export class DeadLetterWriter {
  private readonly retry: Partial<RetryOptions>;
  private readonly ensureContainer: () => Promise<void>;

  constructor(
    private readonly container: ContainerClient,
    opts: { retry?: Partial<RetryOptions> } = {},
  ) {
    this.retry = opts.retry ?? {};
    this.ensureContainer = containerCreator(container, this.retry);
  }

  /**
   * Writes the items (overwriting, so a redelivered batch rewrites the same blob) and returns the
   * blob name, or undefined when there is nothing to write.
   */
  async write(batch: ReceivedBatch, items: DeadLetterItem[]): Promise<string | undefined> {
    validateBatch(batch);
    if (!Array.isArray(items)) throw new ArchiveInputError('items', 'must be an array');
    items.forEach((item, i) => {
      if (typeof item !== 'object' || item === null) throw new ArchiveInputError(`items[${i}]`, 'must be an object');
      validateEvent(item.event, `items[${i}].event`);
      if (typeof item.reason !== 'string' || item.reason === '') throw new ArchiveInputError(`items[${i}].reason`, 'must be a non-empty string');
    });
    if (items.length === 0) return undefined;

    const sorted = [...items].sort((a, b) => a.event.sequenceNumber - b.event.sequenceNumber);
    const lines = sorted.map((item, i) => {
      const e = item.event;
      const record: DeadLetterRecord = {
        eventHub: batch.eventHubName,
        partitionId: batch.partitionId,
        consumerGroup: batch.consumerGroup,
        sequenceNumber: e.sequenceNumber,
        offset: e.offset,
        enqueuedTimeUtc: e.enqueuedTimeUtc.toISOString(),
        ...(e.partitionKey ? { partitionKey: e.partitionKey } : {}),
        properties: e.properties ?? {},
        reason: item.reason,
        ...(item.position !== undefined ? { envelopePosition: item.position } : {}),
        ...bodyText(bodyBytes(e.body, `items[${i}].event.body`)),
      };
      return JSON.stringify(record, jsonSafe);
    });
    const content = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const name = deadLetterBlobName(batch.eventHubName, batch.partitionId, sorted[0].event, sorted[sorted.length - 1].event);

    await this.ensureContainer();
    const blob = this.container.getBlockBlobClient(name);
    await withRetry(
      () => blob.upload(content, content.length, { blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } }),
      this.retry,
    );
    return name;
  }
}
