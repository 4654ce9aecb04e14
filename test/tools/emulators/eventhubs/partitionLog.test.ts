import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBuilder, PartitionLog } from '../../../../tools/emulators/eventhubs/storage/partitionLog';
import { tempDir } from './helpers';

const open: PartitionLog[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

function openLog(dir: string, extra: Partial<Parameters<typeof PartitionLog.open>[0]> = {}): PartitionLog {
  const log = PartitionLog.open({ dir, retentionMs: 3_600_000, ...extra });
  open.push(log);
  return log;
}

const events = (...bodies: string[]): EventBuilder[] =>
  bodies.map((b) => () => ({ payload: Buffer.from(b), headerSectionLength: 0 }));

const readAll = (log: PartitionLog, from = 0): string[] => {
  const cursor = { nextSequenceNumber: from };
  const out: string[] = [];
  for (let r = log.read(cursor, 1000); r.length; r = log.read(cursor, 1000)) out.push(...r.map((x) => x.payload.toString()));
  return out;
};

describe('PartitionLog', () => {
  it('assigns increasing sequence numbers, offsets and non-decreasing times', () => {
    let clock = 1_000;
    const log = openLog(tempDir('plog'), { now: () => clock });
    const a = log.append(events('a', 'bb'));
    clock = 900; // a clock going backwards must not make enqueued times go backwards
    const b = log.append(events('ccc'));
    expect([...a, ...b].map((p) => p.sequenceNumber)).toEqual([0, 1, 2]);
    expect(a[1].offset).toBeGreaterThan(a[0].offset);
    expect(b[0].offset).toBeGreaterThan(a[1].offset);
    expect(b[0].enqueuedTimeMs).toBe(1_000);
    expect(readAll(log)).toEqual(['a', 'bb', 'ccc']);
    expect(log.lastEnqueued).toEqual({ sequenceNumber: 2, offset: String(b[0].offset), enqueuedTimeMs: 1_000 });
  });

  it('reads mixed record sizes in any step size', () => {
    const log = openLog(tempDir('plog'));
    const bodies = [...Array.from({ length: 10 }, (_, i) => `s${i}`), 'L'.repeat(200_000), ...Array.from({ length: 10 }, (_, i) => `t${i}`)];
    log.append(events(...bodies.slice(0, 10)));
    log.append(events(bodies[10]));
    log.append(events(...bodies.slice(11)));
    for (const step of [1, 3, 7, 100]) {
      const cursor = { nextSequenceNumber: 0 };
      const out: string[] = [];
      for (let r = log.read(cursor, step); r.length; r = log.read(cursor, step)) {
        expect(r.length).toBeLessThanOrEqual(step);
        out.push(...r.map((x) => x.payload.toString()));
      }
      expect(out, `step ${step}`).toEqual(bodies);
    }
    // A byte budget smaller than a record still returns that record.
    expect(log.read({ nextSequenceNumber: 10 }, 5, 100).map((r) => r.payload.length)).toEqual([200_000]);
  });

  it('finds positions by offset and time across segments', () => {
    let clock = 10_000;
    const log = openLog(tempDir('plog'), { now: () => clock, segmentMaxBytes: 200 });
    const assigned = [];
    for (let i = 0; i < 60; i++) {
      clock += 10;
      assigned.push(...log.append(events(`event-${i}-${'x'.repeat(i % 7)}`)));
    }
    expect(fs.readdirSync(logDirOf(log)).length).toBeGreaterThan(5);
    expect(log.sequenceNumberForOffset(assigned[17].offset, false)).toBe(18);
    expect(log.sequenceNumberForOffset(assigned[17].offset, true)).toBe(17);
    expect(log.sequenceNumberForOffset(assigned[17].offset + 1, true)).toBe(18);
    expect(log.sequenceNumberAfterTime(assigned[33].enqueuedTimeMs)).toBe(34);
    expect(log.sequenceNumberAfterTime(0)).toBe(0);
    expect(log.sequenceNumberAfterTime(clock + 1)).toBe(60);
    expect(readAll(log, 42)[0]).toMatch(/^event-42-/);
  });

  it('recovers after a restart and cuts off a torn tail', () => {
    const dir = tempDir('plog');
    const log = openLog(dir, { segmentMaxBytes: 100 });
    for (let i = 0; i < 20; i++) log.append(events(`e${i}`));
    log.close();
    const files = fs.readdirSync(dir).sort();
    const last = path.join(dir, files[files.length - 1]);
    fs.appendFileSync(last, Buffer.from([40, 0, 0, 0, 1, 2, 3])); // half a record
    const reopened = openLog(dir, { segmentMaxBytes: 100 });
    expect(reopened.nextSequenceNumber).toBe(20);
    expect(readAll(reopened)).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`));
    const next = reopened.append(events('after'));
    expect(next[0].sequenceNumber).toBe(20);
    expect(readAll(reopened, 19)).toEqual(['e19', 'after']);
  });

  it('deletes whole segments past retention, keeping sequence numbers going', () => {
    let clock = 0;
    const dir = tempDir('plog');
    const log = openLog(dir, { now: () => clock, retentionMs: 1_000, segmentMaxAgeMs: 100 });
    for (let i = 0; i < 10; i++) {
      clock = i * 60; // a new segment about every second append
      log.append(events(`old${i}`));
    }
    const segmentsBefore = fs.readdirSync(dir).length;
    expect(segmentsBefore).toBeGreaterThan(3);
    clock = 540 + 1_000 - 250; // the segments whose newest event is older than 290 are expired
    const deleted = log.applyRetention();
    expect(deleted).toBeGreaterThan(0);
    expect(fs.readdirSync(dir).length).toBe(segmentsBefore - deleted);
    expect(log.firstSequenceNumber).toBeGreaterThan(0);
    const survivors = readAll(log);
    expect(survivors.length).toBe(10 - log.firstSequenceNumber);
    expect(survivors[survivors.length - 1]).toBe('old9');

    clock = 10_000; // everything expired: the log is empty but continues its numbering
    log.applyRetention();
    expect(log.isEmpty).toBe(true);
    expect(readAll(log)).toEqual([]);
    expect(log.append(events('new'))[0].sequenceNumber).toBe(10);
    log.close();
    const reopened = openLog(dir, { now: () => clock, retentionMs: 1_000 });
    expect(reopened.firstSequenceNumber).toBe(10);
    expect(readAll(reopened)).toEqual(['new']);
  });

  it('a reader behind retention skips to the oldest retained event', () => {
    let clock = 0;
    const log = openLog(tempDir('plog'), { now: () => clock, retentionMs: 1_000, segmentMaxAgeMs: 10 });
    for (let i = 0; i < 5; i++) {
      clock = i * 500;
      log.append(events(`e${i}`));
    }
    const cursor = { nextSequenceNumber: 0 };
    clock = 2_000 + 1_000 - 1;
    log.applyRetention();
    expect(log.firstSequenceNumber).toBeGreaterThan(0);
    const seqs = log.read(cursor, 10).map((r) => r.sequenceNumber);
    expect(seqs[0]).toBe(log.firstSequenceNumber);
    expect(seqs[seqs.length - 1]).toBe(4);
  });
});

function logDirOf(log: PartitionLog): string {
  return (log as unknown as { opts: { dir: string } }).opts.dir;
}
