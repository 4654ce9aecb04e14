// The library against a local host that rate-limits its anonymous routes per client (what Azure's
// front door WAF rule does): past the burst the host answers 429 with Retry-After, the library waits
// at least that long and sends the same events again, and every event is archived once.
import { describe, expect, it } from 'vitest';
import { browserTransport } from '../src/transport';
import { createPersonalization, type Transport } from '../src/index';
import { MemoryStore } from './fakes';
import { useLocalHost, waitForArchived } from './localHostFixture';

describe('browser library against a rate-limited local host', () => {
  const host = useLocalHost('limited', { rateLimit: { perMinute: 60, burst: 2 } });

  it('waits out each 429\'s Retry-After and delivers every event once', async () => {
    const runtime = host();
    const answers: { status: number; retryAfter: string | null; at: number }[] = [];
    // The library's own fetch transport, watched: what the host answered and when it was asked.
    const transport: Transport = {
      post: async (url, body, keepalive) => {
        const at = Date.now();
        const answer = await browserTransport.post(url, body, keepalive);
        answers.push({ status: answer.status, retryAfter: answer.retryAfter, at });
        return answer;
      },
      get: (url) => browserTransport.get(url),
    };
    const errors: string[] = [];
    // retryBaseMs far below Retry-After: only the server's answer can make the library wait a second.
    const p = createPersonalization({ endpoint: runtime.url, consent: true, storage: new MemoryStore(), transport, batchSize: 1, flushIntervalMs: 10, retryBaseMs: 50, onError: (m) => errors.push(m) });
    const ids = [1, 2, 3, 4].map((i) => p.track('product_view', { productId: `p-${i}` })!);
    await p.flush();
    const end = Date.now() + 30_000;
    while (answers.filter((a) => a.status === 202).length < 5 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(errors).toEqual([]);
    const limited = answers.findIndex((a) => a.status === 429);
    expect(limited).toBeGreaterThanOrEqual(2); // the burst of two went through first
    expect(answers[limited].retryAfter).toBe('1');
    for (let i = 0; i < answers.length - 1; i++) {
      if (answers[i].status === 429) expect(answers[i + 1].at - answers[i].at).toBeGreaterThanOrEqual(1_000);
    }
    expect(answers.filter((a) => a.status === 202)).toHaveLength(5); // the page view and the four events

    const events = await waitForArchived(runtime, (e) => e.anonymousId === p.anonymousId, 5, end + 30_000);
    for (const id of ids) expect(events.filter((e) => e.id === id)).toHaveLength(1);
    expect(events).toHaveLength(5);
  });
});
