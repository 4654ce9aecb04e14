// POST /api/campaigns/recommend through the local Functions host, against Azurite (the model
// registry) and the Cosmos DB stand-in (leads, campaign definitions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMBINATION_COUNT } from '../../src/events/contactCombinations';
import { leadMatrix } from '../../src/campaign/features/campaignRows';
import { openCampaignModel } from '../../src/campaign/model/campaignModel';
import { registerCampaignModel } from '../../src/training/campaign/registerCampaignModel';
import { trainCampaignModel } from '../../src/training/campaign/trainCampaignModel';
import { sha256Hex } from '../../src/models/modelRegistry';
import { startCampaignStack, type CampaignStack } from './fixtures/campaignStack';

interface Answer {
  status: number;
  body: {
    error?: string;
    field?: string;
    modelVersion?: string;
    product?: string;
    combinations?: { channel: string; day: string; timeSlot: string }[];
    results?: { leadId: string | null; channel: string; day: string; timeSlot: string; probability: number; probabilities: number[] }[];
  };
}

describe('POST /api/campaigns/recommend', () => {
  let stack: CampaignStack;
  const post = async (body: unknown, key: string | null = stack.functionKey): Promise<Answer> => {
    const res = await fetch(`${stack.url}/api/campaigns/recommend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-functions-key': key } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Answer['body'] };
  };
  const inline = { age: 67, incomeBand: 'upper-middle', creditScore: 760, householdSize: 2, region: 'north' };

  beforeAll(async () => {
    stack = await startCampaignStack();
  }, 80_000);
  afterAll(async () => stack?.stop(), 30_000);

  it('needs the function key', async () => {
    expect((await post({ product: 'savings', lead: inline }, null)).status).toBe(401);
  });

  it('answers one inline lead with the best combination and all 63 probabilities, as the model scores them', async () => {
    const { status, body } = await post({ product: 'savings', lead: inline });
    expect(status).toBe(200);
    expect(body.modelVersion).toBe('v1');
    expect(body.combinations).toHaveLength(COMBINATION_COUNT);
    const [result] = body.results!;
    expect(result.leadId).toBeNull();
    expect(result.probabilities).toHaveLength(COMBINATION_COUNT);
    const best = result.probabilities.indexOf(Math.max(...result.probabilities));
    expect({ channel: result.channel, day: result.day, timeSlot: result.timeSlot }).toEqual(body.combinations![best]);
    expect(result.probability).toBe(result.probabilities[best]);

    const onnx = stack.trained.onnx;
    const model = await openCampaignModel(onnx, { ...stack.trained.manifest, name: 'campaign', version: 'v1', sha256: sha256Hex(onnx) });
    const expected = new Float32Array(COMBINATION_COUNT);
    await model.scorer('onnx').score(leadMatrix(model.layout, [{ ...inline, incomeBand: 'upper-middle' }], 'savings'), 0, 1, expected);
    await model.release();
    result.probabilities.forEach((p, k) => expect(Math.abs(p - expected[k])).toBeLessThan(2e-6));
  });

  it('looks leads up by id, takes the product from the campaign, and keeps the request order', async () => {
    const campaign = stack.data.campaigns.find((c) => c.product === 'term-life')!;
    const ids = [stack.data.leads[5].leadId, stack.data.leads[0].leadId, stack.data.leads[5].leadId];
    const { status, body } = await post({ campaignId: campaign.campaignId, leads: [...ids.map((leadId) => ({ leadId })), { leadId: 'walk-in', ...inline }] });
    expect(status).toBe(200);
    expect(body.product).toBe('term-life');
    expect(body.results!.map((r) => r.leadId)).toEqual([...ids, 'walk-in']);
    expect(body.results![0].probabilities).toEqual(body.results![2].probabilities);
    expect(body.results![0].probabilities).not.toEqual(body.results![1].probabilities);
  });

  it('scores 1,000 leads in one request', async () => {
    const leads = stack.data.leads.slice(0, 1000).map((l) => ({ leadId: l.leadId }));
    const { status, body } = await post({ product: 'auto-insurance', leads });
    expect(status).toBe(200);
    expect(body.results).toHaveLength(1000);
    const channels = new Set(body.results!.map((r) => r.channel));
    expect(channels.size).toBeGreaterThan(1);
  });

  it('answers 400 naming the field for bad input', async () => {
    const cases: [unknown, string, RegExp][] = [
      ['{not json', 'body', /not valid JSON/],
      [[], 'body', /JSON object/],
      [{ lead: inline }, 'campaignId', /campaignId or product is required/],
      [{ product: 'savings' }, 'leads', /is required/],
      [{ product: 'savings', leads: [] }, 'leads', /1 to 1000/],
      [{ product: 'savings', leads: Array.from({ length: 1001 }, (_, i) => ({ leadId: `L${i}` })) }, 'leads', /1 to 1000 leads; has 1001/],
      [{ product: 'savings', lead: inline, leads: [] }, 'leads', /not both/],
      [{ product: 'savings', leads: [{ leadId: 'L1' }, { ...inline, age: 12 }] }, 'leads[1].age', /between 18 and 120/],
      [{ product: 'savings', leads: [{ ...inline, creditScore: '700' }] }, 'leads[0].creditScore', /whole number/],
      [{ product: 'savings', leads: [{ age: 40 }] }, 'leads[0].incomeBand', /is required/],
      [{ product: 'savings', leads: [{}] }, 'leads[0].leadId', /is required unless/],
      [{ product: 'savings', lead: { leadId: 'a/b' } }, 'lead.leadId', /letters, digits/],
      [{ product: 'savings', lead: inline, colour: 'red' }, 'colour', /not a known field/],
      [{ product: 'savings', lead: { ...inline, email: 'x@y' } }, 'lead.email', /not a known field/],
      [{ product: 'bonds!', lead: inline }, 'product', /letters, digits/],
      [{ product: 'bonds', lead: inline }, 'product', /not a product the model v1 was trained on/],
    ];
    for (const [body, field, message] of cases) {
      const answer = await post(body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.field).toBe(field);
      expect(answer.body.error).toMatch(message);
    }
  });

  it('answers 404 for an unknown lead or campaign', async () => {
    const lead = await post({ product: 'savings', leads: [{ leadId: stack.data.leads[0].leadId }, { leadId: 'nobody' }] });
    expect(lead).toMatchObject({ status: 404, body: { field: 'leads[1].leadId' } });
    const campaign = await post({ campaignId: 'C404', lead: inline });
    expect(campaign).toMatchObject({ status: 404, body: { field: 'campaignId' } });
  });

  it('serves a newly promoted model without a restart', async () => {
    const retrained = await trainCampaignModel(stack.data, { gbdt: { nEstimators: 15, earlyStoppingRounds: 0 } });
    await registerCampaignModel(stack.registry, retrained, { version: 'v2', promote: true });
    const deadline = Date.now() + 15_000;
    let version: string | undefined;
    while (Date.now() < deadline) {
      version = (await post({ product: 'savings', lead: inline })).body.modelVersion;
      if (version === 'v2') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(version).toBe('v2');
  }, 30_000);
});
