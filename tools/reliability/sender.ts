// An at-least-once client of POST /api/events: every batch is sent until the service has
// acknowledged each of its events. A request that failed or got no answer is sent again whole
// (its events may or may not have been stored); a 503 that lists the events Event Hubs refused is
// answered by sending only those again (the service says the others were accepted).
import http from 'node:http';
import type { StreamEvent } from './eventStream';
import { readHostSecrets } from './localHostProcess';

export interface SenderStats {
  requests: number;
  /** 202 answers. */
  accepted: number;
  /** Requests sent again after no answer, a connection error, a 5xx or a partial 503. */
  retries: number;
  /** Requests whose outcome the client cannot know (no answer, connection reset after sending). */
  uncertain: number;
  timeouts: number;
  connectionErrors: number;
  statuses: Record<string, number>;
  /** 4xx answers: the stream itself is wrong (never expected); not retried. */
  refused: { status: number; body: string }[];
  /** 202 answers whose `accepted` differs from the events sent. */
  countMismatches: number;
  latenciesMs: number[];
}

export interface SendOptions {
  url: string;
  /** Extra request headers, read at each request (a key the host makes when it starts). */
  headers?: () => Record<string, string>;
  concurrency: number;
  /** Events per second the stream is paced at (Infinity: as fast as the service answers). */
  rate: number;
  timeoutMs: number;
  /** Stop taking new batches (in-flight ones still complete). */
  stopped?: () => boolean;
  /** Called once per acknowledged event index. */
  onAck?: (index: number) => void;
  /** Keep per-request latencies (soak). */
  keepLatencies?: boolean;
}

type Outcome =
  | { kind: 'answer'; status: number; body: string }
  | { kind: 'timeout' }
  | { kind: 'error'; code: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AtLeastOnceSender {
  readonly stats: SenderStats = {
    requests: 0, accepted: 0, retries: 0, uncertain: 0, timeouts: 0, connectionErrors: 0,
    statuses: {}, refused: [], countMismatches: 0, latenciesMs: [],
  };
  /** acked[i] = 1 once event i was acknowledged (by a 202, or as not-failed in a partial 503). */
  readonly acked: Uint8Array;
  private readonly agent: http.Agent;

  constructor(readonly total: number, private readonly opts: SendOptions) {
    this.acked = new Uint8Array(total);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  }

  get ackedCount(): number {
    let n = 0;
    for (const a of this.acked) n += a;
    return n;
  }

  private post(body: string): Promise<Outcome> {
    const target = new URL(this.opts.url);
    return new Promise((resolve) => {
      let settled = false;
      const done = (o: Outcome) => {
        if (!settled) {
          settled = true;
          resolve(o);
        }
      };
      const req = http.request(
        {
          agent: this.agent,
          method: 'POST',
          hostname: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          headers: { ...this.opts.headers?.(), 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done({ kind: 'answer', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e: NodeJS.ErrnoException) => done({ kind: 'error', code: e.code ?? e.message }));
        },
      );
      req.setTimeout(this.opts.timeoutMs, () => {
        done({ kind: 'timeout' });
        req.destroy();
      });
      req.on('error', (e: NodeJS.ErrnoException) => done({ kind: 'error', code: e.code ?? e.message }));
      req.end(body);
    });
  }

  /** Sends one batch until all its events are acknowledged (or the service refuses it with a 4xx). */
  async sendBatch(first: number, events: StreamEvent[]): Promise<void> {
    let pending = events.map((event, k) => ({ event, index: first + k }));
    let backoff = 100;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        this.stats.retries++;
        await sleep(backoff);
        backoff = Math.min(2_000, backoff * 2);
      }
      this.stats.requests++;
      const started = Date.now();
      const outcome = await this.post(JSON.stringify(pending.map((p) => p.event)));
      if (this.opts.keepLatencies) this.stats.latenciesMs.push(Date.now() - started);
      if (outcome.kind === 'timeout') {
        this.stats.timeouts++;
        this.stats.uncertain++;
        continue;
      }
      if (outcome.kind === 'error') {
        this.stats.connectionErrors++;
        // Refused connections never reached the service; anything else may have.
        if (outcome.code !== 'ECONNREFUSED') this.stats.uncertain++;
        continue;
      }
      this.stats.statuses[outcome.status] = (this.stats.statuses[outcome.status] ?? 0) + 1;
      if (outcome.status === 202) {
        this.stats.accepted++;
        let accepted = -1;
        try {
          accepted = (JSON.parse(outcome.body) as { accepted?: number }).accepted ?? -1;
        } catch {
          /* counted below */
        }
        if (accepted !== pending.length) this.stats.countMismatches++;
        for (const p of pending) this.ack(p.index);
        pending = [];
        continue;
      }
      if (outcome.status === 503) {
        let failed: number[] | undefined;
        try {
          const body = JSON.parse(outcome.body) as { failed?: { index: number }[] };
          failed = body.failed?.map((f) => f.index);
        } catch {
          /* not the capture function's 503 */
        }
        if (failed) {
          const again = new Set(failed);
          for (let k = 0; k < pending.length; k++) if (!again.has(k)) this.ack(pending[k].index);
          pending = pending.filter((_, k) => again.has(k));
        } else this.stats.uncertain++;
        continue;
      }
      if (outcome.status >= 400 && outcome.status < 500) {
        this.stats.refused.push({ status: outcome.status, body: outcome.body.slice(0, 500) });
        return;
      }
      // 500 and other answers: the outcome of the sends is unknown.
      this.stats.uncertain++;
    }
  }

  private ack(index: number): void {
    if (this.acked[index]) return;
    this.acked[index] = 1;
    this.opts.onAck?.(index);
  }

  /** Sends every batch, `concurrency` at a time, paced so event i is not sent before start + i / rate. */
  async run(batches: Iterable<{ first: number; events: StreamEvent[] }>): Promise<void> {
    const iterator = batches[Symbol.iterator]();
    const started = Date.now();
    const worker = async () => {
      for (;;) {
        if (this.opts.stopped?.()) return;
        const next = iterator.next();
        if (next.done) return;
        const due = started + (next.value.first / this.opts.rate) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
        await this.sendBatch(next.value.first, next.value.events);
      }
    };
    await Promise.all(Array.from({ length: this.opts.concurrency }, worker));
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The x-functions-key header of the host keeping its keys in `dataDir`, read once the host made them. */
export function hostKeyHeader(dataDir: string): () => Record<string, string> {
  let key: string | undefined;
  return () => ({ 'x-functions-key': (key ??= readHostSecrets(dataDir).functionKey) });
}
