// POST /api/events while Event Hubs cannot take events: the answer is a 503 with retry-after
// within the send timeout (EventHubSendTimeoutSeconds, the SDK's retries included), never a
// hang; nothing is acknowledged that the hub did not store; and the runtime still shuts down
// promptly with the hub gone.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startFuzzRuntime, FuzzRuntime, send, Answer } from './fuzzKit';
import { LagProbe } from '../../tools/reliability/pipelineProbe';

const SEND_TIMEOUT_SECONDS = 2;

const events = (prefix: string) =>
  JSON.stringify(Array.from({ length: 30 }, (_, i) => ({ id: `${prefix}-${i}`, type: 'page_view', userId: `u-${i % 3}` })));

async function capture(rt: FuzzRuntime, body: string): Promise<{ answer: Answer; ms: number }> {
  const started = Date.now();
  const answer = await send(rt.url, { method: 'POST', path: '/api/events', headers: { 'content-type': 'application/json' }, body }, 60_000);
  return { answer, ms: Date.now() - started };
}

function expectRetryLater(answer: Answer): void {
  expect(answer.status, answer.text).toBe(503);
  expect(answer.headers['retry-after']).toBe('5');
  const body = JSON.parse(answer.text) as { error: string; accepted: number; failed: unknown[] };
  expect(body.error).toMatch(/Event Hubs is unavailable/);
  expect(body.accepted).toBe(0);
  expect(body.failed).toHaveLength(30);
}

async function messagesInHub(rt: FuzzRuntime): Promise<number> {
  const probe = new LagProbe(rt.runtime.env.EventHubConnection, rt.runtime.env.EventHubName, rt.runtime.env.AzureWebJobsStorage, []);
  try {
    return (await probe.sample()).enqueued;
  } finally {
    await probe.close();
  }
}

describe('capture with Event Hubs down', () => {
  let rt: FuzzRuntime | undefined;
  beforeAll(async () => {
    rt = await startFuzzRuntime({ EventHubSendTimeoutSeconds: String(SEND_TIMEOUT_SECONDS) });
  }, 90_000);
  afterAll(async () => rt?.close());

  it('a hub that does not answer (frozen): 503 with retry-after within the send timeout; the resend is stored once it is back', async () => {
    const runtime = rt!;
    // The first send also opens the connection, which a busy machine may not do within 2 s.
    let warm = await capture(runtime, events('warm'));
    for (const end = Date.now() + 30_000; warm.answer.status !== 202 && Date.now() < end; ) warm = await capture(runtime, events('warm'));
    expect(warm.answer.status, warm.answer.text).toBe(202);
    const eventHubs = runtime.runtime.services.find((s) => /event hubs/i.test(s.name))!;
    const pid = eventHubs.child.process.pid!;
    process.kill(pid, 'SIGSTOP');
    let down: { answer: Answer; ms: number };
    try {
      down = await capture(runtime, events('frozen'));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expectRetryLater(down.answer);
    expect(down.ms).toBeLessThan(SEND_TIMEOUT_SECONDS * 1000 + 3_000);

    // What the client does with a 503: send again, until it is acknowledged.
    let again = await capture(runtime, events('frozen'));
    for (const end = Date.now() + 20_000; again.answer.status !== 202 && Date.now() < end; ) again = await capture(runtime, events('frozen'));
    expect(again.answer.status, again.answer.text).toBe(202);
    // The warm-up, the acknowledged resend and, maybe, the frozen sends the hub took once it woke
    // up; a request's events of one user travel as one message: 3 per request.
    expect(await messagesInHub(runtime)).toBeGreaterThanOrEqual(6);
  }, 90_000);

  it('a hub that is gone (connection refused): 503 at once; the runtime then closes promptly', async () => {
    const runtime = rt!;
    const eventHubs = runtime.runtime.services.find((s) => /event hubs/i.test(s.name))!;
    await eventHubs.stop();
    const down = await capture(runtime, events('gone'));
    expectRetryLater(down.answer);
    expect(down.ms).toBeLessThan(SEND_TIMEOUT_SECONDS * 1000 + 3_000);

    // A rank answers anyway; its decision event waits in the decision log, which close() flushes.
    const rank = await send(runtime.url, {
      method: 'POST', path: '/personalizer/v1.0/rank',
      headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': runtime.secrets.personalizerApiKey },
      body: '{"contextFeatures":[{"userId":"u-1"}],"actions":[{"id":"a","features":[{"x":1}]}]}',
    });
    expect(rank.status, rank.text).toBe(201);

    const started = Date.now();
    rt = undefined;
    await runtime.close();
    expect(Date.now() - started).toBeLessThan(SEND_TIMEOUT_SECONDS * 1000 + 5_000);
  }, 60_000);
});
