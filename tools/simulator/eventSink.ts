// Batches tracked events into POST /api/events calls (≤ 500 events each), a few in flight at a
// time, flushed when a batch is full or a short delay after the first event of a batch.
import type { ClientEvent } from '../../src/events/eventSchema';

export interface EventSinkOptions {
  post: (events: ClientEvent[]) => Promise<number>;
  maxBatch?: number;
  /** Flush a partial batch this long after its first event. Default 50 ms. */
  lingerMs?: number;
  maxInFlight?: number;
  onError?: (error: unknown, events: number) => void;
}

export class EventSink {
  private buffer: ClientEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  sent = 0;
  accepted = 0;
  failed = 0;

  constructor(private readonly opts: EventSinkOptions) {
    this.maxBatch = Math.min(500, opts.maxBatch ?? 500);
    this.maxInFlight = opts.maxInFlight ?? 4;
  }

  /** Queues events; waits only when too many batches are in flight (backpressure). */
  async add(events: readonly ClientEvent[]): Promise<void> {
    for (const e of events) {
      this.buffer.push(e);
      if (this.buffer.length >= this.maxBatch) this.flushNow();
    }
    if (this.buffer.length > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flushNow();
      }, this.opts.lingerMs ?? 50);
    }
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
  }

  private flushNow(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.sent += batch.length;
    const p: Promise<void> = this.opts
      .post(batch)
      .then((n) => {
        this.accepted += n;
        this.failed += batch.length - n;
      })
      .catch((error: unknown) => {
        this.failed += batch.length;
        this.opts.onError?.(error, batch.length);
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Sends what is buffered and waits for every batch in flight. */
  async flush(): Promise<void> {
    this.flushNow();
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
  }
}
