// Decisions leave the rank hot path through this buffer: rank answers at once and the events go
// to Event Hubs in batches a few milliseconds later. A bounded queue and a few retries keep an
// Event Hubs outage from growing memory without bound; what is dropped is counted and logged.
import type { EventPublisher } from '../clients/eventHubPublisher';
import type { TrackedEvent } from '../events/eventSchema';
import { activeTraceParent } from '../common/traceContext';

export interface DecisionLogOptions {
  /** Wait this long for more events before sending (default 10 ms). */
  flushDelayMs?: number;
  /** Send at once when this many are queued (default 200). */
  maxBatch?: number;
  /** Refuse new events beyond this many queued (default 20 000). */
  maxQueued?: number;
  /** Send attempts per event (default 3). */
  attempts?: number;
  log?: (message: string) => void;
}

export interface DecisionLogStats {
  queued: number;
  sent: number;
  dropped: number;
}

export class DecisionLog {
  /** Each event with the trace context it was queued in (its rank call's), sent with it. */
  private queue: { event: TrackedEvent; traceparent: string | undefined }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly stats = { sent: 0, dropped: 0 };
  private closing = false;
  private readonly flushDelayMs: number;
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private readonly attempts: number;
  private readonly log: (message: string) => void;

  constructor(private readonly publisher: EventPublisher, opts: DecisionLogOptions = {}) {
    this.flushDelayMs = opts.flushDelayMs ?? 10;
    this.maxBatch = opts.maxBatch ?? 200;
    this.maxQueued = opts.maxQueued ?? 20_000;
    this.attempts = opts.attempts ?? 3;
    this.log = opts.log ?? (() => {});
  }

  /** Queues an event; false when the queue is full (the event is dropped and counted). */
  enqueue(event: TrackedEvent): boolean {
    if (this.queue.length >= this.maxQueued) {
      this.stats.dropped++;
      if (this.stats.dropped % 1000 === 1) this.log(`decision log: queue full (${this.maxQueued}); ${this.stats.dropped} events dropped so far`);
      return false;
    }
    this.queue.push({ event, traceparent: activeTraceParent() });
    if (this.queue.length >= this.maxBatch) this.kick(0);
    else this.kick(this.flushDelayMs);
    return true;
  }

  /** Sends what is queued now and waits for the publisher to answer (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.inFlight = this.inFlight.then(() => this.sendQueued());
    await this.inFlight;
  }

  get statistics(): DecisionLogStats {
    return { queued: this.queue.length, ...this.stats };
  }

  /** One last send of what is queued, without retries: shutdown must not wait on an outage. */
  async close(): Promise<void> {
    this.closing = true;
    await this.flush();
  }

  private kick(delayMs: number): void {
    if (this.timer !== undefined) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.inFlight.then(() => this.sendQueued());
    }, delayMs);
    // A pending flush must not keep a finished process (or test worker) alive.
    this.timer.unref?.();
  }

  private async sendQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      let pending = batch;
      // Evaluated per attempt: a close() during the retries of a batch ends them.
      const attempts = () => (this.closing ? 1 : this.attempts);
      let attempt = 1;
      for (; attempt <= attempts() && pending.length > 0; attempt++) {
        try {
          const result = await this.publisher.publish(pending.map((q) => q.event), pending.map((q) => q.traceparent));
          this.stats.sent += result.sent;
          pending = result.failed.map((f) => pending[f.index]);
          if (pending.length > 0 && attempt < attempts()) {
            this.log(`decision log: ${pending.length} events not accepted (${result.failed[0].reason}); retrying`);
          }
        } catch (error) {
          this.log(`decision log: send failed (${(error as Error).message}); attempt ${attempt} of ${attempts()}`);
        }
        if (pending.length > 0 && attempt < attempts()) await new Promise((r) => setTimeout(r, 200 * attempt));
      }
      if (pending.length > 0) {
        // Closing during an outage: the rest of the queue would only fail the same way, one timeout each.
        const rest = this.closing ? this.queue.splice(0).length : 0;
        this.stats.dropped += pending.length + rest;
        this.log(`decision log: dropped ${pending.length + rest} events after ${attempt - 1} attempt${attempt === 2 ? '' : 's'}`);
      }
    }
  }
}
