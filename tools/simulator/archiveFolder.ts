// Writes tracked events as a Capture-format archive in a local folder, laid out as Event Hubs
// Capture (and archiveEvents) lay it out: {namespace}/{hub}/{partition}/YYYY/MM/DD/hh/mm/ss.avro,
// one file per partition and hour, keyed by user, numbered per partition, enqueued at receive
// time. readArchiveFolder (and so runTraining with { folder }) reads it back.
import fs from 'node:fs';
import path from 'node:path';
import { encodeCaptureFile } from '../../src/archive/captureAvro';
import { syncMarkerFor } from '../../src/archive/avroContainer';
import { windowPrefix, windowStartMs } from '../../src/archive/archiveLayout';
import { captureRecordFromEvent } from '../../src/archive/eventToCapture';
import type { CaptureRecord } from '../../src/archive/captureSchema';
import { partitionKeyOf, type TrackedEvent } from '../../src/events/eventSchema';
import { fnv1a32 } from '../../src/features/featureBuilder';

export interface ArchiveFolderOptions {
  partitions?: number;
  namespace?: string;
  eventHub?: string;
  windowMinutes?: number;
  /** Records per Avro block. Default 500. */
  blockSize?: number;
}

/** Returns the files written (relative to `dir`). `events` must be in receive-time order. */
export function writeArchiveFolder(dir: string, events: readonly TrackedEvent[], opts: ArchiveFolderOptions = {}): string[] {
  const partitions = opts.partitions ?? 2;
  const ns = opts.namespace ?? 'simulator.servicebus.windows.net';
  const hub = opts.eventHub ?? 'events';
  const windowMinutes = opts.windowMinutes ?? 60;
  const blockSize = opts.blockSize ?? 500;
  const files = new Map<string, CaptureRecord[]>();
  const next = new Map<string, number>();
  let lastMs = -Infinity;
  for (const event of events) {
    const key = partitionKeyOf(event);
    const partitionId = String(fnv1a32(key) % partitions);
    const seq = next.get(partitionId) ?? 0;
    next.set(partitionId, seq + 1);
    // Enqueued times never go back within the archive (Event Hubs enqueues in order).
    const enqueuedMs = (lastMs = Math.max(lastMs, Date.parse(event.receivedAt)));
    const name = `${windowPrefix(ns, hub, partitionId, windowStartMs(enqueuedMs, windowMinutes))}.avro`;
    const record = captureRecordFromEvent(
      { body: event, sequenceNumber: seq, offset: String(seq * 1024), enqueuedTimeUtc: new Date(enqueuedMs), partitionKey: key, properties: {} },
      `events[${seq}]`,
    );
    let list = files.get(name);
    if (!list) files.set(name, (list = []));
    list.push(record);
  }
  for (const [name, records] of files) {
    const blocks: CaptureRecord[][] = [];
    for (let i = 0; i < records.length; i += blockSize) blocks.push(records.slice(i, i + blockSize));
    const file = path.join(dir, ...name.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, encodeCaptureFile(blocks, 'deflate', syncMarkerFor(name)));
  }
  return [...files.keys()].sort();
}
