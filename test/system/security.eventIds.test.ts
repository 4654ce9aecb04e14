// Rewards and activations only for event ids this service issued, unchanged, within the reward
// wait time; a refused one publishes nothing. (Unit level: test/ranking/eventIdToken.test.ts;
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

  it('refuses forged, tampered, expired and future ids on reward and activate, and publishes nothing for them', async () => {
    const issued = await rank();
    const withClient = await rank('client-2');
    const before = await settledHubCount();
    const flip = (id: string, at: number) => id.slice(0, at) + (id[at] === 'A' ? 'B' : 'A') + id.slice(at + 1);
    const refused: [string, string, RegExp][] = [
      ['random token', crypto.randomBytes(40).toString('base64url'), /signature does not match|not an event id/],
      ['signed with an unknown key', sign({}, crypto.randomBytes(32)), /signature does not match/],
      ['first character changed', flip(issued, 0), /signature does not match|not an event id/],
      ['middle character changed', flip(issued, Math.floor(issued.length / 2)), /signature does not match|not an event id/],
      ['last character changed', flip(issued, issued.length - 1), /not an event id/],
      ['truncated', issued.slice(0, -4), /not an event id/],
      ['client id swapped', `client-3~${withClient.split('~')[1]}`, /signature does not match/],
      ['client id dropped', withClient.split('~')[1], /signature does not match/],
      ['client id alone', 'client-2', /not an event id/],
      ['another action signed in by nobody', sign({ rewardActionId: 'b' }, crypto.randomBytes(32)), /signature does not match/],
      ['expired (issued before the reward wait time)', sign({ issuedAtMs: Date.now() - (WAIT_SECONDS + 5) * 1000 }), /has expired/],
      ['expired, old key', sign({ issuedAtMs: Date.now() - (WAIT_SECONDS + 5) * 1000 }, oldKey), /has expired/],
      ['issued in the future', sign({ issuedAtMs: Date.now() + 5 * 60_000 }), /in the future/],
      ['non-canonical base64url', `${issued}A`, /not an event id/],
      ['padding', `${issued}=`, /not an event id/],
      ['empty', ' ', /not an event id/],
    ];
    for (const [what, id, message] of refused) {
      for (const endpoint of ['reward', 'activate'] as const) {
        const answer = await post(id, endpoint);
        expect(answer.status, `${what} (${endpoint}): ${answer.text}`).toBe(400);
        expect(JSON.parse(answer.text), what).toMatchObject({ error: { code: 'BadRequest', target: 'eventId', message: expect.stringMatching(message) } });
      }
    }
    expect(await settledHubCount()).toBe(before);
  });

  it('a replay within the reward wait time is accepted (as Personalizer does) and published again; after it, refused', async () => {
    // By design (docs/ranking.md): "A reward may be sent more than once; the training join
    // combines them" (policy `earliest` keeps the first). What stops a replay: the API key, and the
    // wait time — after it the same id is refused, as the expired case above shows.
    const id = await rank();
    const before = await settledHubCount();
    expect((await post(id, 'reward', 1)).status).toBe(204);
    expect((await post(id, 'reward', 1)).status).toBe(204);
    expect(await settledHubCount()).toBe(before + 2);
    const stale = sign({ issuedAtMs: Date.now() - (WAIT_SECONDS + 1) * 1000 });
    expect((await post(stale, 'reward')).status).toBe(400);
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
