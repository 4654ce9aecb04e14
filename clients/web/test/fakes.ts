// In-memory stand-ins for what a browser gives the library: a storage like localStorage and a
// transport whose answers a test scripts. Time is real (short intervals); no fake timers.
import type { Answer, KeyValueStore, Transport } from '../src/index';

export class MemoryStore implements KeyValueStore {
  readonly map = new Map<string, string>();
  writes = 0;
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.writes++;
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

export interface Sent {
  url: string;
  events: { id: string; type: string; [k: string]: unknown }[];
  keepalive: boolean;
  at: number;
  by: 'fetch' | 'beacon';
}

type Reply = Partial<Answer> | 'network-error';

/** Records every request; answers 202 unless the test queued other replies (one per request). */
export class ScriptedTransport implements Transport {
  readonly sent: Sent[] = [];
  readonly replies: Reply[] = [];
  beaconAccepts = true;
  gets: string[] = [];
  getAnswer: Answer = { status: 200, retryAfter: null, body: { items: [], eventId: null } };

  async post(url: string, body: string, keepalive: boolean): Promise<Answer> {
    const events = JSON.parse(body) as Sent['events'];
    this.sent.push({ url, events, keepalive, at: Date.now(), by: 'fetch' });
    const reply = this.replies.shift() ?? {};
    if (reply === 'network-error') throw new TypeError('Failed to fetch');
    return { status: 202, retryAfter: null, body: { accepted: events.length }, ...reply };
  }

  async get(url: string): Promise<Answer> {
    this.gets.push(url);
    return this.getAnswer;
  }

  beacon(url: string, body: string): boolean {
    if (!this.beaconAccepts) return false;
    this.sent.push({ url, events: JSON.parse(body) as Sent['events'], keepalive: true, at: Date.now(), by: 'beacon' });
    return true;
  }

  /** Ids of events delivered successfully by fetch or beacon, in order (an id twice = a duplicate). */
  ids(): string[] {
    return this.sent.flatMap((s) => s.events.map((e) => e.id));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds (polling), failing after `ms`. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}
