import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import avro from 'avsc';
import { decodeCaptureAvro, encodeCaptureBlock, encodeCaptureFile, encodeCaptureHeader } from '../../src/archive/captureAvro';
import { syncMarkerFor } from '../../src/archive/avroContainer';
import { captureRecordFromEvent } from '../../src/archive/eventToCapture';
import { formatCaptureTime, parseCaptureTime } from '../../src/archive/captureTime';
import { AvroWriter, AvroReader } from '../../src/archive/avroBinary';
import type { CaptureRecord } from '../../src/archive/captureSchema';
import type { ReceivedEvent } from '../../src/events/receivedBatch';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'capture-avro-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function event(seq: number, body: unknown, extra: Partial<ReceivedEvent> = {}): ReceivedEvent {
  return {
    body,
    sequenceNumber: seq,
    offset: String(seq * 100),
    enqueuedTimeUtc: new Date(Date.UTC(2024, 2, 5, 13, 4, 5, 678) + seq),
    properties: {},
    ...extra,
  };
}

/** Decodes a file with avsc, an independent Avro implementation. */
async function decodeWithAvsc(buf: Buffer): Promise<{ records: Record<string, unknown>[]; codec: string }> {
  const file = path.join(tmp, `f-${Math.random().toString(36).slice(2)}.avro`);
  fs.writeFileSync(file, buf);
  return new Promise((resolve, reject) => {
    const records: Record<string, unknown>[] = [];
    let codec = '';
    avro
      .createFileDecoder(file)
      .on('metadata', (_type: unknown, c: string) => { codec = c; })
      .on('data', (r: Record<string, unknown>) => records.push(r))
      .on('end', () => resolve({ records, codec }))
      .on('error', reject);
  });
}

describe('Avro binary primitives', () => {
  it('round-trips longs across the 31-bit, 53-bit and 64-bit ranges', () => {
    const values = [0, 1, -1, 63, -64, 64, 2 ** 30 - 1, -(2 ** 30), 2 ** 30, 2 ** 31, -(2 ** 31) - 5, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const w = new AvroWriter(4);
    for (const v of values) w.writeLong(v);
    w.writeBigLong(2n ** 62n + 7n);
    w.writeBigLong(-(2n ** 63n));
    const r = new AvroReader(w.toBuffer());
    for (const v of values) expect(r.readLongOrBig()).toBe(v);
    expect(r.readLongOrBig()).toBe(2n ** 62n + 7n);
    expect(r.readLongOrBig()).toBe(-(2n ** 63n));
    expect(r.remaining).toBe(0);
  });

  it('encodes longs exactly as avsc does', () => {
    const t = avro.Type.forSchema('long');
    for (const v of [0, -1, 150, -(2 ** 33), 2 ** 45 + 1]) {
      const w = new AvroWriter();
      w.writeLong(v);
      expect(w.toBuffer().equals(t.toBuffer(v))).toBe(true);
    }
  });
});

describe('Capture time strings', () => {
  it('formats like .NET invariant culture and parses back (whole seconds)', () => {
    expect(formatCaptureTime(new Date('2021-12-02T14:58:24.816Z'))).toBe('12/2/2021 2:58:24 PM');
    expect(formatCaptureTime(new Date('2021-01-09T00:05:07Z'))).toBe('1/9/2021 12:05:07 AM');
    expect(formatCaptureTime(new Date('2021-01-09T12:00:00Z'))).toBe('1/9/2021 12:00:00 PM');
    expect(parseCaptureTime('12/2/2021 2:58:24 PM')?.toISOString()).toBe('2021-12-02T14:58:24.000Z');
    expect(parseCaptureTime('1/9/2021 12:05:07 AM')?.toISOString()).toBe('2021-01-09T00:05:07.000Z');
    expect(parseCaptureTime('2021-01-09T12:00:00.5Z')?.toISOString()).toBe('2021-01-09T12:00:00.500Z');
    expect(parseCaptureTime('yesterday')).toBeUndefined();
  });
});

describe('Capture Avro files', () => {
  const sync = syncMarkerFor('ns/hub/0/2024/03/05/13/00/00.avro');
  const events = [
    event(1, { type: 'page_view', id: 'e1', userId: 'u1' }, { partitionKey: 'u1', properties: { n: 5, f: 1.5, s: 'x', b: true, big: 2n ** 40n, nil: null, bin: Buffer.from([1, 2]) } }),
    event(2, Buffer.from([0, 255, 10])),
    event(3, 'plain text é'),
    event(4, undefined),
    event(5, new Uint8Array([7, 8, 9])),
  ];
  const records: CaptureRecord[] = events.map((e, i) => captureRecordFromEvent(e, `events[${i}]`));

  for (const codec of ['null', 'deflate'] as const) {
    it(`round-trips through our decoder and avsc (codec ${codec})`, async () => {
      const file = encodeCaptureFile([records.slice(0, 2), records.slice(2)], codec, sync);
      const ours = decodeCaptureAvro(file);
      expect(ours.codec).toBe(codec);
      expect((ours.schema as { name: string }).name).toBe('EventData');
      expect(ours.records.map((r) => r.sequenceNumber)).toEqual([1, 2, 3, 4, 5]);
      expect(JSON.parse(ours.records[0].body!.toString())).toEqual({ type: 'page_view', id: 'e1', userId: 'u1' });
      expect(ours.records[1].body).toEqual(Buffer.from([0, 255, 10]));
      expect(ours.records[2].body!.toString('utf8')).toBe('plain text é');
      expect(ours.records[3].body).toBeNull();
      expect(ours.records[4].body).toEqual(Buffer.from([7, 8, 9]));
      expect(ours.records[0].properties).toEqual({ n: 5, f: 1.5, s: 'x', b: 'true', big: 2 ** 40, nil: null, bin: Buffer.from([1, 2]) });
      expect(ours.records[0].systemProperties).toEqual({
        'x-opt-sequence-number': 1,
        'x-opt-offset': '100',
        'x-opt-enqueued-time': Date.UTC(2024, 2, 5, 13, 4, 5, 679),
        'x-opt-partition-key': 'u1',
      });
      expect(ours.records[0].enqueuedTimeUtc).toBe('3/5/2024 1:04:05 PM');

      const theirs = await decodeWithAvsc(file);
      expect(theirs.codec).toBe(codec);
      expect(theirs.records).toHaveLength(5);
      expect(theirs.records.map((r) => r.SequenceNumber)).toEqual([1, 2, 3, 4, 5]);
      expect(theirs.records.map((r) => r.Offset)).toEqual(['100', '200', '300', '400', '500']);
      expect(theirs.records[2].Body).toEqual(Buffer.from('plain text é'));
      expect(theirs.records[3].Body).toBeNull();
      // avsc wraps ambiguous unions: {long: 5}.
      const props = theirs.records[0].Properties as Record<string, Record<string, unknown> | null>;
      expect(props.n).toEqual({ long: 5 });
      expect(props.f).toEqual({ double: 1.5 });
      expect(props.s).toEqual({ string: 'x' });
      expect(props.nil).toBeNull();
      const sys = theirs.records[0].SystemProperties as Record<string, Record<string, unknown>>;
      expect(sys['x-opt-partition-key']).toEqual({ string: 'u1' });
    });
  }

  it('keeps longs beyond 2^53 exact as bigint', () => {
    const rec = captureRecordFromEvent(event(9, 'x', { properties: { huge: 2n ** 60n + 1n } }), 'e');
    const decoded = decodeCaptureAvro(encodeCaptureFile([[rec]], 'null', sync));
    expect(decoded.records[0].properties.huge).toBe(2n ** 60n + 1n);
  });

  it('appending blocks to a header yields a valid file (the way blobs grow)', async () => {
    const parts = [encodeCaptureHeader('deflate', sync), ...records.map((r) => encodeCaptureBlock([r], 'deflate', sync))];
    const file = Buffer.concat(parts);
    expect(decodeCaptureAvro(file).records).toHaveLength(5);
    expect((await decodeWithAvsc(file)).records).toHaveLength(5);
    // Same input, same name: byte-identical output (rewrites and racing writers agree).
    expect(encodeCaptureBlock(records, 'deflate', sync).equals(encodeCaptureBlock(records, 'deflate', syncMarkerFor('ns/hub/0/2024/03/05/13/00/00.avro')))).toBe(true);
  });

  it('reads a file written by avsc with the older schema (Properties without null)', async () => {
    const schema = {
      type: 'record', name: 'EventData', namespace: 'Microsoft.ServiceBus.Messaging',
      fields: [
        { name: 'SequenceNumber', type: 'long' },
        { name: 'Offset', type: 'string' },
        { name: 'EnqueuedTimeUtc', type: 'string' },
        { name: 'SystemProperties', type: { type: 'map', values: ['long', 'double', 'string', 'bytes'] } },
        { name: 'Properties', type: { type: 'map', values: ['long', 'double', 'string', 'bytes'] } },
        { name: 'Body', type: ['null', 'bytes'] },
      ],
    };
    const file = path.join(tmp, 'avsc-written.avro');
    await new Promise<void>((resolve, reject) => {
      const enc = avro.createFileEncoder(file, schema as avro.Schema, { codec: 'deflate' });
      enc.on('error', reject);
      enc.write({ SequenceNumber: 42, Offset: '4200', EnqueuedTimeUtc: '12/2/2021 2:58:24 PM', SystemProperties: { 'x-opt-enqueued-time': { long: 1638457104816 } }, Properties: { k: { string: 'v' } }, Body: Buffer.from('{"a":1}') });
      enc.end();
      enc.on('finish', () => setTimeout(resolve, 50));
    });
    const decoded = decodeCaptureAvro(fs.readFileSync(file));
    expect(decoded.codec).toBe('deflate');
    expect(decoded.records).toEqual([{
      sequenceNumber: 42, offset: '4200', enqueuedTimeUtc: '12/2/2021 2:58:24 PM',
      systemProperties: { 'x-opt-enqueued-time': 1638457104816 }, properties: { k: 'v' }, body: Buffer.from('{"a":1}'),
    }]);
  });

  it('rejects corrupt files with a clear message', () => {
    const file = encodeCaptureFile([records], 'null', sync);
    expect(() => decodeCaptureAvro(Buffer.from('nope'))).toThrow(/bad magic/);
    const badSync = Buffer.from(file);
    badSync[badSync.length - 1] ^= 0xff;
    expect(() => decodeCaptureAvro(badSync)).toThrow(/sync marker mismatch/);
    expect(() => decodeCaptureAvro(file.subarray(0, file.length - 20))).toThrow(/Truncated/);
    const snappy = Buffer.from(file.toString('latin1').replace('\x08null', '\x0csnappy'), 'latin1');
    expect(() => decodeCaptureAvro(snappy)).toThrow(/Unsupported Avro codec "snappy"/);
    expect(zlib).toBeDefined();
  });

  it('names the field of a bad event', () => {
    expect(() => captureRecordFromEvent(event(1, { big: 1n }), 'events[0]')).toThrow(/events\[0\]\.body cannot be serialised/);
    expect(() => captureRecordFromEvent(event(1, {}, { properties: { x: 2n ** 64n } }), 'events[3]')).toThrow(/events\[3\]\.properties\.x/);
  });
});
