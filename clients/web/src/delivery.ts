// Sends queued events to POST /api/events: in batches (when `batchSize` events wait, or
// `flushMs` after the first), one request at a time so order holds and a Retry-After pauses
// everything; by sendBeacon when the page is hidden or going away. Network errors, 408, 429 and
// 5xx are retried with backoff and jitter (Retry-After honoured); the events stay in the queue,
// with their ids, until the server acknowledged them (docs/web-client.md, "Delivery guarantees").
import type { EventQueue, QueuedEvent } from './eventQueue';
import { retryAfterMs, retryDelay } from './retryDelay';
import type { Transport } from './transport';

export interface DeliveryOptions {
  /** The capture route, e.g. https://shop-fn.azurewebsites.net/api/events. */
  url: string;
  transport: Transport;
  queue: EventQueue;
  batchSize: number;
  flushMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  random: () => number;
  onError: (message: string) => void;
}

/** fetch's keepalive allows 64 KiB in flight per page; sendBeacon has the same limit in practice. */
const KEEPALIVE_BYTES = 60_000;
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

export class Delivery {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = 0;
  private sending: Promise<void> | undefined;
  private inFlight = new Set<string>();
  private attempt = 0;
  private notBefore = 0;
  private limit: number;
  /** A partial batch is due (its flush interval passed, or flush() was called). */
  private partialDue = false;
  enabled = false;

  constructor(private readonly o: DeliveryOptions) {
    this.limit = o.batchSize;
  }

  /** Queues an event; sends at once when a batch is full, otherwise after `flushMs`. */
  enqueue(event: QueuedEvent): void {
    this.o.queue.add(event);
    if (this.o.queue.size - this.inFlight.size >= this.o.batchSize) void this.run(false);
    else this.later(this.o.flushMs);
  }

  /** Sends what waits now (when no retry is pending), batch after batch; resolves when the queue is empty or a retry is scheduled. */
  flush(): Promise<void> {
    return this.run(true);
  }

  private run(partial: boolean): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    if (partial) this.partialDue = true;
    // One request at a time; a run asked for meanwhile starts when this one ends.
    if (this.sending) return this.sending.then(() => this.run(false));
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      this.later(wait);
      return Promise.resolve();
    }
    this.sending = this.drain().finally(() => (this.sending = undefined));
    return this.sending;
  }

  /** Network back (the browser's `online` event): retry now instead of waiting out the backoff. */
  retryNow(): void {
    this.attempt = 0;
    this.notBefore = 0;
    void this.flush();
  }

  /** The page is hidden or going away: hand everything not already in flight to sendBeacon. */
  sendBeforeUnload(): void {
    if (!this.enabled || !this.o.transport.beacon) return;
    for (;;) {
      const batch = this.o.queue.peek(this.limit, this.inFlight);
      if (batch.length === 0) return;
      let body = JSON.stringify(batch);
      while (batch.length > 1 && body.length > KEEPALIVE_BYTES) {
        batch.length = Math.ceil(batch.length / 2);
        body = JSON.stringify(batch);
      }
      // Refused (too large, beacon quota used): the events stay queued and stored for the next page.
      if (!this.o.transport.beacon(this.o.url, body)) return;
      this.o.queue.remove(new Set(batch.map((e) => e.id)));
    }
  }

  stop(): void {
    this.enabled = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private later(ms: number): void {
    const at = Date.now() + ms;
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  private async drain(): Promise<void> {
    while (this.enabled) {
      const batch = this.o.queue.peek(this.limit);
      if (batch.length === 0) {
        this.partialDue = false;
        return;
      }
      if (batch.length < this.limit && !this.partialDue) {
        this.later(this.o.flushMs);
        return;
      }
      if (!(await this.send(batch))) return;
    }
  }

  /** One request; true when the next batch may follow at once. */
  private async send(batch: QueuedEvent[]): Promise<boolean> {
    const { queue, onError } = this.o;
    const body = JSON.stringify(batch);
    const ids = batch.map((e) => e.id);
    ids.forEach((id) => this.inFlight.add(id));
    let keep: QueuedEvent[] = batch;
    let wait = 0;
    try {
      const answer = await this.o.transport.post(this.o.url, body, body.length <= KEEPALIVE_BYTES);
      const reply = (answer.body ?? {}) as { error?: string; rejected?: { index: number }[]; failed?: { index: number }[] };
      if (answer.status < 300) {
        keep = [];
        if (reply.rejected?.length) onError(`${reply.rejected.length} events refused as invalid: ${JSON.stringify(reply.rejected).slice(0, 500)}`);
      } else if (answer.status === 413 && batch.length > 1) {
        this.limit = Math.max(1, Math.floor(batch.length / 2));
        return true;
      } else if (RETRYABLE.has(answer.status)) {
        // A 503 lists the events Event Hubs did not take; the others are stored and are not sent again.
        if (answer.status === 503 && Array.isArray(reply.failed)) keep = reply.failed.map((f) => batch[f.index]).filter(Boolean);
        wait = retryAfterMs(answer.retryAfter, Date.now());
      } else {
        keep = [];
        onError(`events refused (${answer.status}): ${reply.error ?? ''}`);
      }
    } catch {
      // Network error: offline, DNS, reset. Everything is sent again, with the same ids.
    } finally {
      ids.forEach((id) => this.inFlight.delete(id));
    }
    const keepIds = new Set(keep.map((e) => e.id));
    queue.remove(new Set(ids.filter((id) => !keepIds.has(id))));
    this.limit = this.o.batchSize;
    if (keep.length === 0) {
      this.attempt = 0;
      return true;
    }
    this.attempt++;
    const delay = retryDelay(this.attempt, this.o.retryBaseMs, this.o.retryMaxMs, this.o.random, wait);
    this.notBefore = Date.now() + delay;
    this.later(delay);
    return false;
  }
}
