// Rewards and activations for any event id are accepted, as Personalizer accepts them; only an id
// this service signed, unchanged and within the reward wait time, names a decision's action and
// user. Any other (forged, tampered, expired, a client's own) gives a reward that names only the id,
// which joins training only through a logged decision of that id. (Unit level: test/ranking/eventIdToken.test.ts;
// API level with the SDK: test/ranking/personalizerApi.test.ts. This adds the end-to-end view:
// both endpoints, key rotation, replays, and what reaches the Event Hub.)
import crypto from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startFuzzRuntime, FuzzRuntime, send, Answer } from './fuzzKit';
import { signEventId } from '../../src/ranking/eventIdToken';
import { EventHubConsumerClient, earliestEventPosition } from '@azure/event-hubs';
import { LagProbe } from '../../tools/reliability/pipelineProbe';

const WAIT_SECONDS = 600;

describe('security: reward and activation event ids', () => {
  let rt: FuzzRuntime;
  const oldKey = crypto.randomBytes(32);
  let probe: LagProbe;

  const post = (eventId: string, what: 'reward' | 'activate', value = 1): Promise<Answer> =>
    send(rt.url, {
      method: 'POST',
      path: `/personalizer/v1.0/events/${encodeURIComponent(eventId)}/${what}`,
      headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': rt.secrets.personalizerApiKey },
      body: what === 'reward' ? JSON.stringify({ value }) : undefined,
    });

  const rank = async (clientEventId?: string): Promise<string> => {
    const answer = await send(rt.url, {
      method: 'POST', path: '/personalizer/v1.0/rank',
      headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': rt.secrets.personalizerApiKey },
      body: JSON.stringify({ contextFeatures: [{ userId: 'u-7' }], actions: [{ id: 'a', features: [{ x: 1 }] }, { id: 'b', features: [{ x: 2 }] }], ...(clientEventId ? { eventId: clientEventId } : {}) }),
    });
    expect(answer.status, answer.text).toBe(201);
    return (JSON.parse(answer.text) as { eventId: string }).eventId;
  };

  /** Events in the hub once the decision log has flushed (it sends a few ms after each rank). */
  const settledHubCount = async (): Promise<number> => {
    let last = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const n = (await probe.sample()).enqueued;
      if (n === last) return n;
      last = n;
    }
  };

  /** Every event in the hub so far (once the decision log has flushed). */
  const hubEvents = async (): Promise<Record<string, unknown>[]> => {
    const total = await settledHubCount();
    const consumer = new EventHubConsumerClient('$Default', rt.runtime.env.EventHubConnection, rt.runtime.env.EventHubName);
    const out: Record<string, unknown>[] = [];
    let seen = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        const sub = consumer.subscribe(
          {
            processEvents: async (events) => {
              for (const e of events) {
                const body = (Buffer.isBuffer(e.body) ? JSON.parse(e.body.toString('utf8')) : e.body) as Record<string, unknown> | Record<string, unknown>[];
                out.push(...(Array.isArray(body) ? body : [body]));
                seen++;
              }
              if (seen >= total) void sub.close().then(resolve);
            },
            processError: async (error) => reject(error),
          },
          { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 1 },
        );
      });
    } finally {
      await consumer.close();
    }
    return out;
  };

  beforeAll(async () => {
    // The current key signs; an old key is still accepted (rotation), as RankingSigningKeys allows.
    const current = crypto.randomBytes(32);
    rt = await startFuzzRuntime({ RankingSigningKeys: `${current.toString('base64')},${oldKey.toString('base64')}`, RankingRewardWaitSeconds: String(WAIT_SECONDS) });
    rt.secrets.signingKey = current;
    rt.secrets.signingKeyBase64 = current.toString('base64');
    const env = rt.runtime.env;
    probe = new LagProbe(env.EventHubConnection, env.EventHubName, env.AzureWebJobsStorage, []);
  }, 90_000);
  afterAll(async () => {
    await probe?.close();
    await rt?.close();
  });

  const sign = (claims: Partial<Parameters<typeof signEventId>[0]>, key = rt.secrets.signingKey) =>
    signEventId({ issuedAtMs: Date.now(), userId: 'u-7', rewardActionId: 'a', ...claims }, key);

  it('accepts issued ids, and ids signed with a key still in RankingSigningKeys (rotation)', async () => {
    for (const id of [await rank(), await rank('client-1'), sign({}), sign({}, oldKey)]) {
      expect((await post(id, 'reward')).status, id).toBe(204);
      expect((await post(id, 'activate')).status, id).toBe(204);
    }
  });

  it('accepts forged, tampered, expired and future ids on reward and activate, but they name no action and no user', async () => {
    const issued = await rank();
    const flip = (id: string, at: number) => id.slice(0, at) + (id[at] === 'A' ? 'B' : 'A') + id.slice(at + 1);
    const unverifiable: [string, string][] = [
      ['random token', crypto.randomBytes(40).toString('base64url')],
      ['signed with an unknown key', sign({}, crypto.randomBytes(32))],
      ['first character changed', flip(issued, 0)],
      ['middle character changed', flip(issued, Math.floor(issued.length / 2))],
      ['last character changed', flip(issued, issued.length - 1)],
      ['truncated', issued.slice(0, -4)],
      ['another action signed in by nobody', sign({ rewardActionId: 'b' }, crypto.randomBytes(32))],
      ['expired (issued before the reward wait time)', sign({ issuedAtMs: Date.now() - (WAIT_SECONDS + 5) * 1000 })],
      ['expired, old key', sign({ issuedAtMs: Date.now() - (WAIT_SECONDS + 5) * 1000 }, oldKey)],
      ['issued in the future', sign({ issuedAtMs: Date.now() + 5 * 60_000 })],
      ['non-canonical base64url', `${issued}A`],
      ['padding', `${issued}=`],
    ];
    for (const [what, id] of unverifiable) {
      for (const endpoint of ['reward', 'activate'] as const) {
        const answer = await post(id, endpoint);
        expect(answer.status, `${what} (${endpoint}): ${answer.text}`).toBe(204);
      }
    }
    const ids = new Set(unverifiable.map(([, id]) => id));
    const published = (await hubEvents()).filter((e) => (e.type === 'reward' || e.type === 'activation') && ids.has((e.decision as { eventId: string }).eventId));
    expect(published).toHaveLength(2 * unverifiable.length);
    for (const e of published) {
      // Only the id: no action (so no per-offer count), no user (a key derived from the id).
      expect(e.decision).toEqual({ eventId: (e.decision as { eventId: string }).eventId, verified: false });
      expect(e.offerId).toBeUndefined();
      expect(e.userId).toBeUndefined();
      expect(e.anonymousId).toMatch(/^evt-/);
    }
    const nothing = await post('', 'reward');
    expect(nothing.status).toBe(404);
  });

  it('a replay within the reward wait time is accepted (as Personalizer does) and published again; after it, it names no decision', async () => {
    // By design (docs/ranking.md): "A reward may be sent more than once; the training join
    // combines them" (policy `earliest` keeps the first). After the wait time the same id no
    // longer verifies, and the training join drops late rewards by the decision's own wait time.
    const id = await rank();
    const before = await settledHubCount();
    expect((await post(id, 'reward', 1)).status).toBe(204);
    expect((await post(id, 'reward', 1)).status).toBe(204);
    expect(await settledHubCount()).toBe(before + 2);
    const stale = sign({ issuedAtMs: Date.now() - (WAIT_SECONDS + 1) * 1000 });
    expect((await post(stale, 'reward')).status).toBe(204);
    const late = (await hubEvents()).find((e) => e.type === 'reward' && (e.decision as { eventId: string }).eventId === stale)!;
    expect(late.decision).toEqual({ eventId: stale, verified: false });
  });

  it('the reward goes to the action signed into the id, whatever the body says', async () => {
    const id = sign({ rewardActionId: 'a' });
    const answer = await send(rt.url, {
      method: 'POST', path: `/personalizer/v1.0/events/${encodeURIComponent(id)}/reward`,
      headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': rt.secrets.personalizerApiKey },
      body: JSON.stringify({ value: 1, rewardActionId: 'b', offerId: 'b', userId: 'someone-else' }),
    });
    // Extra fields are ignored, not trusted: the action and the user come from the signed payload.
    expect(answer.status).toBe(204);
    const consumer = new EventHubConsumerClient('$Default', rt.runtime.env.EventHubConnection, rt.runtime.env.EventHubName);
    const rewards: Record<string, unknown>[] = [];
    try {
      const total = await settledHubCount();
      let seen = 0;
      await new Promise<void>((resolve, reject) => {
        const sub = consumer.subscribe(
          {
            processEvents: async (events) => {
              for (const e of events) {
                seen++;
                const body = (Buffer.isBuffer(e.body) ? JSON.parse(e.body.toString('utf8')) : e.body) as Record<string, unknown>;
                if (body.type === 'reward' && (body.decision as { eventId?: string } | undefined)?.eventId === id) rewards.push(body);
              }
              if (seen >= total) void sub.close().then(resolve);
            },
            processError: async (error) => reject(error),
          },
          { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 1 },
        );
      });
    } finally {
      await consumer.close();
    }
    expect(rewards).toHaveLength(1);
    expect(rewards[0]).toMatchObject({ offerId: 'a', userId: 'u-7', value: 1 });
  });
});
