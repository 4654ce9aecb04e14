// A decision's reward counts once end to end: rank, then the shop posts the reward three times
// (different values, as a retrying or confused client would) through the Personalizer API; the
// events go through the Event Hubs emulator to the aggregate and archive functions on the local
// host. The aggregates (offer, decision source) and the trainer's join over the archive agree on
// one reward, the first (RankingRewardAggregation=earliest, the default).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import { startFuzzRuntime, send, type FuzzRuntime } from './fuzzKit';
import { createCosmosClient } from '../../src/clients/cosmosClients';
import { readLoggedEvents } from '../../src/training/offers/readLoggedEvents';
import { joinRewards } from '../../src/training/offers/rewardJoin';
import { eventually } from './eventually';


describe('rewards count once, end to end', () => {
  let rt: FuzzRuntime;
  beforeAll(async () => {
    rt = await startFuzzRuntime({}, { triggers: true });
  }, 90_000);
  afterAll(async () => rt?.close());

  const headers = () => ({ 'content-type': 'application/json', 'ocp-apim-subscription-key': rt.secrets.personalizerApiKey });

  it('counts the first of three posted rewards in the aggregates and in training', async () => {
    const ranked = await send(rt.url, {
      method: 'POST', path: '/personalizer/v1.0/rank', headers: headers(),
      body: JSON.stringify({ contextFeatures: [{ device: 'mobile' }], actions: [{ id: 'only-offer', features: [{ x: 1 }] }] }),
    });
    expect(ranked.status, ranked.text).toBe(201);
    const { eventId } = JSON.parse(ranked.text) as { eventId: string };
    for (const value of [0.25, 1, 0.5]) {
      const answer = await send(rt.url, { method: 'POST', path: `/personalizer/v1.0/events/${encodeURIComponent(eventId)}/reward`, headers: headers(), body: JSON.stringify({ value }) });
      expect(answer.status, answer.text).toBe(204);
    }

    const cosmos = createCosmosClient({ connectionString: rt.runtime.env.CosmosDB });
    try {
      const aggregates = cosmos.database('personalization').container('aggregates');
      const daily = async (kind: string) =>
        (await aggregates.items.query<Record<string, number>>({ query: 'SELECT * FROM c WHERE c.kind = @k AND c.windowMinutes = 1440', parameters: [{ name: '@k', value: kind }] }).fetchAll()).resources;
      // Every reward event was aggregated (the event-type count sees all three) …
      const types = await eventually(() => daily('eventType'), (docs) => docs.some((d) => (d as unknown as { eventType: string }).eventType === 'reward' && d.count === 3));
      expect(types.find((d) => (d as unknown as { eventType: string }).eventType === 'reward')?.count).toBe(3);
      // … and the reward counters hold the first one only.
      expect(await daily('offer')).toEqual([expect.objectContaining({ offerId: 'only-offer', decisions: 1, rewards: 1, rewardSum: 0.25 })]);
      expect(await daily('decisionSource')).toEqual([expect.objectContaining({ source: 'rank', decisions: 1, rewards: 1, positiveRewards: 1, rewardSum: 0.25 })]);
    } finally {
      cosmos.dispose();
    }

    const archive = BlobServiceClient.fromConnectionString(rt.runtime.env.ArchiveStorage).getContainerClient('archive');
    const log = await eventually(() => readLoggedEvents({ container: archive }), (l) => l.stats.rewards === 3 && l.stats.decisions === 1);
    expect(log.stats.rewards).toBe(3);
    const { joined, stats } = joinRewards(log, { nowMs: Date.now() + 3_600_000 });
    expect(joined.map((j) => j.reward)).toEqual([0.25]);
    expect(stats.rewardsSuperseded).toBe(2);
  }, 90_000);
});
