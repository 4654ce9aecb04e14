// The Personalizer-compatible API over real HTTP, with Azure's own Personalizer SDK as the client.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { PersonalizerClient } from '@azure/cognitiveservices-personalizer';
import { ApiKeyCredentials } from '@azure/ms-rest-js';
import { signEventId } from '../../src/ranking/eventIdToken';
import { parseLoggedEvent, type LoggedReward } from '../../src/events/learningEvents';
import { joinRewards } from '../../src/training/offers/rewardJoin';
import { promoteRandomOfferModel, startRankingStack, type RankingStack } from './fixtures/rankingStack';

const actions = [
  { id: 'NewsArticle', features: [{ type: 'News' }] },
  { id: 'SportsArticle', features: [{ type: 'Sports', category: 'shoes' }] },
  { id: 'EntertainmentArticle', features: [{ type: 'Entertainment', category: 'bags', price: 20 }] },
];
const rankRequest = {
  contextFeatures: [{ timeOfDay: 'Morning' }, { device: 'mobile' }],
  actions,
  excludedActions: ['SportsArticle'],
  eventId: undefined as string | undefined,
  deferActivation: false,
};

/**
 * The Azure SDK for Personalizer v1.0 (@azure/cognitiveservices-personalizer 2.0.1). Its URL
 * builder drops any path of the endpoint ("https://app/api" becomes "https://app/api" for every
 * call), so with an endpoint that has a path its base URI is set literally (docs/ranking.md).
 */
// The SDK bundles its own copy of @azure/ms-rest-js; the top-level copy's credentials work the same.
const apiKey = (key: string) => new ApiKeyCredentials({ inHeader: { 'Ocp-Apim-Subscription-Key': key } }) as unknown as ConstructorParameters<typeof PersonalizerClient>[0];

function sdkClient(endpoint: string, key: string): PersonalizerClient {
  const client = new PersonalizerClient(apiKey(key), endpoint);
  if (new URL(endpoint).pathname !== '/') (client as unknown as { baseUri: string }).baseUri = `${endpoint}/personalizer/v1.0`;
  return client;
}

type SdkError = Error & { statusCode?: number; body?: unknown };

describe('Personalizer-compatible Rank / Reward / Activate', () => {
  let stack: RankingStack;
  let client: PersonalizerClient;
  /** `key` null sends no key header. */
  const post = (path: string, body: unknown, key: string | null = stack.apiKeys[0]) =>
    fetch(`${stack.url}/personalizer/v1.0/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key !== null ? { 'Ocp-Apim-Subscription-Key': key } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    stack = await startRankingStack({
      beforeStart: promoteRandomOfferModel(77, { trees: 30, depth: 4 }),
      env: { RankingRewardWaitSeconds: '600' },
    });
    client = sdkClient(stack.url, stack.apiKeys[1]);
  }, 60_000);
  afterAll(async () => stack?.stop(), 30_000);

  it('serves the Azure SDK: rank, reward and activate', async () => {
    const ranked = await client.rank({ ...rankRequest, deferActivation: true });
    expect(ranked._response.status).toBe(201);
    expect(Object.keys(ranked._response.parsedBody).sort()).toEqual(['eventId', 'ranking', 'rewardActionId']);
    expect(ranked.ranking!.map((r) => r.id).sort()).toEqual(actions.map((a) => a.id).sort());
    expect(ranked.ranking![0].id).toBe(ranked.rewardActionId);
    expect(ranked.ranking![2]).toEqual({ id: 'SportsArticle', probability: 0 });
    expect(ranked.ranking!.reduce((s, r) => s + r.probability!, 0)).toBeCloseTo(1, 12);
    expect(ranked.ranking!.map((r) => r.probability).sort()).toEqual([0, 0.1, 0.9]);
    expect(ranked._response.headers.get('x-model-version')).toBe('v1');

    const activated = await client.events.activate(ranked.eventId!);
    expect(activated._response.status).toBe(204);
    const rewarded = await client.events.reward(ranked.eventId!, { value: 0.75 });
    expect(rewarded._response.status).toBe(204);

    const events = await stack.waitForEvents((all) => ['decision', 'activation', 'reward'].every((t) => all.some((e) => e.body.type === t && (e.body.decision as { eventId?: string })?.eventId === ranked.eventId)));
    const mine = events.filter((e) => (e.body.decision as { eventId?: string }).eventId === ranked.eventId);
    const decision = mine.find((e) => e.body.type === 'decision')!;
    const reward = mine.find((e) => e.body.type === 'reward')!;
    const activation = mine.find((e) => e.body.type === 'activation')!;
    expect(decision.body).toMatchObject({ type: 'decision', offerId: ranked.rewardActionId });
    expect(decision.body.decision).toMatchObject({
      activated: false,
      rewardActionId: ranked.rewardActionId,
      ranking: ranked.ranking!.map((r) => r.id),
      model: { name: 'offer-ranker', version: 'v1' },
      reward: { waitSeconds: 600, defaultReward: 0, aggregation: 'earliest' },
      contextFeatures: rankRequest.contextFeatures,
    });
    expect(reward.body).toMatchObject({ type: 'reward', offerId: ranked.rewardActionId, value: 0.75 });
    expect(activation.body).toMatchObject({ type: 'activation', offerId: ranked.rewardActionId });
    // One key per event: decision, activation and reward share the partition.
    expect(new Set(mine.map((e) => e.partitionKey)).size).toBe(1);
    expect(new Set(mine.map((e) => e.partitionId)).size).toBe(1);
  });

  it('answers 401 in the Cognitive Services shape without the key or with a wrong one, over REST and the SDK', async () => {
    for (const key of [null, 'wrong', `${stack.apiKeys[0]}x`]) {
      const res = await post('rank', rankRequest, key);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: {
          code: '401',
          message: expect.stringContaining('Access denied due to invalid subscription key'),
        },
      });
    }
    expect((await post('events/x/reward', { value: 1 }, null)).status).toBe(401);
    expect((await post('events/x/activate', {}, 'nope')).status).toBe(401);
    const error = (await sdkClient(stack.url, 'wrong').rank(rankRequest).catch((e: unknown) => e)) as SdkError;
    expect(error.constructor.name).toBe('RestError');
    expect(error.statusCode).toBe(401);
  });

  it('serves the unmodified SDK with only endpoint and key changed when the route prefix is empty', async () => {
    const rootHost = await stack.startHostWithPrefix('');
    const plain = new PersonalizerClient(apiKey(stack.apiKeys[0]), rootHost.url);
    const ranked = await plain.rank(rankRequest);
    expect(ranked._response.status).toBe(201);
    expect((await plain.events.reward(ranked.eventId!, { value: 1 }))._response.status).toBe(204);
    expect((await plain.events.activate(ranked.eventId!))._response.status).toBe(204);
  });

  it('accepts both configured keys (rotation)', async () => {
    for (const key of stack.apiKeys) expect((await post('rank', rankRequest, key)).status).toBe(201);
  });

  it.each([
    [{ actions: [] }, 'actions', 'Action count should be between 1 and 50.'],
    [{ actions: [{ id: 'a', features: [{ x: 1 }] }, { features: [{ x: 1 }] }] }, 'actions[1].id', 'Action ids must not be empty.'],
    [{ actions: [{ id: 'a', features: [{ tags: ['x'] }] }] }, 'actions[0].features[0].tags[0]', 'Features should not contain array with non-number items.'],
    [{ actions: [{ id: 'a', features: [{ x: 1 }] }], eventId: '' }, 'eventId', 'EventId should be non-empty or null.'],
    ['{"actions": [', 'body', 'is not valid JSON'],
  ])('refuses a bad rank request %j with 400 naming the field', async (body, field, message) => {
    const res = await post('rank', body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string; target: string; innerError: { code: string } } };
    expect(json.error.code).toBe('BadRequest');
    expect(json.error.target).toBe(field);
    expect(json.error.message.startsWith(`${field}: `)).toBe(true);
    expect(json.error.message).toContain(message);
    expect(json.error.innerError).toEqual({ code: 'InvalidRankRequest' });
  });

  it('refuses bodies whose decision could not fit an Event Hubs message with 413', async () => {
    const big = { actions: Array.from({ length: 50 }, (_, i) => ({ id: `a${i}`, features: [{ text: 'x'.repeat(11_000) }] })) };
    const res = await post('rank', big);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'BadRequest', target: 'body', innerError: { code: 'PayloadSizeExceeded' } } });
  });

  it('surfaces a bad request to the SDK as a RestError with the Personalizer error body', async () => {
    const error = (await client.rank({ actions: [{ id: 'a', features: [] }] }).catch((e: unknown) => e)) as SdkError;
    expect(error.constructor.name).toBe('RestError');
    expect(error.statusCode).toBe(400);
    expect(error.body).toMatchObject({ error: { code: 'BadRequest', target: 'actions[0].features', innerError: { code: 'InvalidRankRequest' } } });
  });

  it('returns a client-supplied eventId unchanged, and the SDK rewards and activates with its own copy', async () => {
    const clientId = `client-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const ranked = await client.rank({ ...rankRequest, eventId: clientId, deferActivation: true });
    expect(ranked.eventId).toBe(clientId);
    expect((await client.events.activate(clientId))._response.status).toBe(204);
    expect((await client.events.reward(clientId, { value: 1 }))._response.status).toBe(204);
    const events = await stack.waitForEvents((all) => ['decision', 'activation', 'reward'].every((t) => all.some((e) => e.body.type === t && (e.body.decision as { eventId?: string })?.eventId === clientId)));
    const mine = events.filter((e) => (e.body.decision as { eventId?: string })?.eventId === clientId);
    const decision = mine.find((e) => e.body.type === 'decision')!;
    expect(decision.body.decision).toMatchObject({ eventId: clientId, clientEventId: clientId, rewardActionId: ranked.rewardActionId });
    // Nothing in a client's id can be verified: the reward names only the id, and the training
    // join gives it to the logged decision of that id (its chosen action).
    const reward = mine.find((e) => e.body.type === 'reward')!;
    expect(reward.body.decision).toEqual({ eventId: clientId, verified: false });
    expect(reward.body.offerId).toBeUndefined();
    const parsed = mine.map((e) => parseLoggedEvent(e.body));
    const decisions = new Map(parsed.flatMap((p) => (p.kind === 'decision' ? [[p.decision.eventId, p.decision] as const] : [])));
    const rewards = new Map<string, LoggedReward[]>([[clientId, parsed.flatMap((p) => (p.kind === 'reward' ? [p.reward] : []))]]);
    const { joined, stats } = joinRewards({ decisions, rewards, activations: new Map() }, { nowMs: Date.now() + 3_600_000 });
    expect(stats.rewardsWrongAction).toBe(0);
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({ reward: 1, rewardCount: 1 });
  });

  it('accepts rewards for ids it did not sign (as Personalizer does), which join no training example, and refuses out-of-range values', async () => {
    const ranked = (await (await post('rank', rankRequest)).json()) as { eventId: string; rewardActionId: string };
    const expectRefused = async (eventId: string, body: unknown, target: string, text: string) => {
      const res = await post(`events/${encodeURIComponent(eventId)}/reward`, body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { code: string; target: string; message: string; innerError: { code: string } } };
      expect(json.error).toMatchObject({ code: 'BadRequest', target, innerError: { code: 'InvalidRewardRequest' } });
      expect(json.error.message).toContain(text);
    };
    await expectRefused(ranked.eventId, { value: 1.5 }, 'value', 'must be between 0 and 1');
    await expectRefused(ranked.eventId, { value: -0.1 }, 'value', 'must be between 0 and 1');
    await expectRefused(ranked.eventId, { value: '1' }, 'value', 'must be a finite number');
    await expectRefused(ranked.eventId, {}, 'value', 'is required');
    await expectRefused('x'.repeat(1025), { value: 1 }, 'eventId', 'at most 1024');

    const flipped = ranked.eventId.slice(0, 10) + (ranked.eventId[10] === 'A' ? 'B' : 'A') + ranked.eventId.slice(11);
    const foreign = signEventId({ issuedAtMs: Date.now(), rewardActionId: ranked.rewardActionId }, Buffer.alloc(32, 7));
    const unknown = [`never-ranked-${Date.now()}`, flipped, foreign];
    for (const id of unknown) {
      expect((await post(`events/${encodeURIComponent(id)}/reward`, { value: 1 })).status).toBe(204);
      expect((await post(`events/${encodeURIComponent(id)}/activate`, {})).status).toBe(204);
    }
    // An id signed with the older of the rotated keys still verifies: its reward names the action.
    const rotated = signEventId({ issuedAtMs: Date.now(), rewardActionId: 'NewsArticle' }, stack.oldSigningKey);
    expect((await post(`events/${rotated}/reward`, { value: 0 })).status).toBe(204);

    const ids = new Set([...unknown, rotated, ranked.eventId]);
    const has = (all: { body: { type: string; decision?: unknown } }[], type: string, id: string) => all.some((e) => e.body.type === type && (e.body.decision as { eventId?: string })?.eventId === id);
    const events = await stack.waitForEvents((all) => [...unknown, rotated].every((id) => has(all, 'reward', id)) && has(all, 'decision', ranked.eventId));
    const mine = events.filter((e) => ids.has((e.body.decision as { eventId?: string })?.eventId ?? ''));
    for (const id of unknown) expect(mine.find((e) => e.body.type === 'reward' && (e.body.decision as { eventId: string }).eventId === id)!.body.decision).toEqual({ eventId: id, verified: false });
    expect(mine.find((e) => e.body.type === 'reward' && (e.body.decision as { eventId: string }).eventId === rotated)!.body).toMatchObject({ offerId: 'NewsArticle', decision: { rewardActionId: 'NewsArticle' } });

    // The training join: the unverified rewards have no logged decision, so they are orphans.
    const parsed = mine.map((e) => parseLoggedEvent(e.body));
    const decisions = new Map(parsed.flatMap((p) => (p.kind === 'decision' ? [[p.decision.eventId, p.decision] as const] : [])));
    const rewards = new Map<string, LoggedReward[]>();
    for (const p of parsed) if (p.kind === 'reward') rewards.set(p.reward.eventId, [...(rewards.get(p.reward.eventId) ?? []), p.reward]);
    const { joined, stats } = joinRewards({ decisions, rewards, activations: new Map() }, { nowMs: Date.now() + 3_600_000 });
    expect(joined.map((j) => j.decision.eventId)).toEqual([...decisions.keys()]);
    expect(stats.orphanRewards).toBe(unknown.length + 1);
  });

  it('accepts rewards for events ranked with deferActivation and not activated', async () => {
    const ranked = (await (await post('rank', { ...rankRequest, deferActivation: true })).json()) as { eventId: string };
    expect((await post(`events/${ranked.eventId}/reward`, { value: 1 })).status).toBe(204);
    const events = await stack.waitForEvents((all) => all.filter((e) => (e.body.decision as { eventId?: string })?.eventId === ranked.eventId).length >= 2);
    const decision = events.find((e) => e.body.type === 'decision' && (e.body.decision as { eventId: string }).eventId === ranked.eventId)!;
    expect((decision.body.decision as { activated: boolean }).activated).toBe(false);
  });

  it('never puts an excluded action first over many requests', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => post('rank', { ...rankRequest, excludedActions: ['NewsArticle', 'EntertainmentArticle'] }).then((r) => r.json() as Promise<{ rewardActionId: string; ranking: { id: string; probability: number }[] }>)));
    for (const r of results) {
      expect(r.rewardActionId).toBe('SportsArticle');
      expect(r.ranking[0]).toEqual({ id: 'SportsArticle', probability: 1 });
      expect(r.ranking.slice(1).every((a) => a.probability === 0)).toBe(true);
    }
  });
});
