// The events waiting to be sent, oldest first, kept in first-party storage on every change so a
// reload, a crash or a closed tab does not lose them (the next page load sends them). Bounded:
// past `max` the oldest events are dropped, so an offline shopper cannot fill the store.
import { readJson, writeJson, type KeyValueStore } from './storage';

/** A tracked event as sent; its client-made `id` stays the same on every retry. */
export interface QueuedEvent {
  id: string;
  type: string;
  [field: string]: unknown;
}

export class EventQueue {
  private items: QueuedEvent[] = [];
  private store: KeyValueStore | undefined;

  constructor(private readonly key: string, private readonly max: number, private readonly onDrop: (dropped: number) => void) {}

  /** Starts keeping the queue in `store` (after consent), taking in what an earlier page left there. */
  attach(store: KeyValueStore | undefined): void {
    this.store = store;
    const stored = readJson<unknown>(store, this.key);
    const ids = new Set(this.items.map((e) => e.id));
    const earlier = Array.isArray(stored) ? stored.filter((e): e is QueuedEvent => !!e && typeof e.id === 'string' && !ids.has(e.id)) : [];
    this.items = earlier.concat(this.items);
    this.trim();
  }

  get size(): number {
    return this.items.length;
  }

  /** The first `n` events not in `skip`, oldest first. */
  peek(n: number, skip?: ReadonlySet<string>): QueuedEvent[] {
    const out: QueuedEvent[] = [];
    for (const e of this.items) {
      if (out.length >= n) break;
      if (!skip || !skip.has(e.id)) out.push(e);
    }
    return out;
  }

  add(event: QueuedEvent): void {
    this.items.push(event);
    this.trim();
  }

  remove(ids: ReadonlySet<string>): void {
    const before = this.items.length;
    this.items = this.items.filter((e) => !ids.has(e.id));
    if (this.items.length !== before) this.save();
  }

  /** Forgets every event, in memory and in storage (consent withdrawn). */
  clear(): void {
    this.items = [];
    try {
      this.store?.removeItem(this.key);
    } catch {
      // a store that refuses removal keeps nothing new from us either
    }
    this.store = undefined;
  }

  private trim(): void {
    const over = this.items.length - this.max;
    if (over > 0) {
      this.items.splice(0, over);
      this.onDrop(over);
    }
    this.save();
  }

  private save(): void {
    // A full store (quota) keeps the older copy; the events are still sent from memory.
    writeJson(this.store, this.key, this.items);
  }
}
