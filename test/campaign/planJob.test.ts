// The campaign plan job, started through its admin HTTP function, writing flat documents to the
// Cosmos DB stand-in; re-running overwrites, and leads that are gone lose their documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bestCombination, COMBINATIONS, COMBINATION_COUNT } from '../../src/events/contactCombinations';
import { leadMatrix } from '../../src/campaign/features/campaignRows';
import { loadCampaignModelVersion } from '../../src/campaign/model/loadCampaignModel';
import { runScheduledPlans } from '../../src/campaign/plan/planHandlers';
import { PLAN_SUMMARY_FIELDS, readCampaignPlans } from '../../src/dashboard/campaignPlanSummary';
import { startCampaignStack, type CampaignStack } from './fixtures/campaignStack';

type Doc = Record<string, unknown>;

describe('campaign plan job', () => {
  let stack: CampaignStack;
  const campaignId = 'C001';
  const plan = async (id: string, body?: unknown, key: string | null = stack.campaignKey, header = 'x-campaign-key') => {
    const res = await fetch(`${stack.url}/api/manage/campaigns/${id}/plan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { [header]: key } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Doc };
  };
  const docs = async (kind: string) =>
    (await stack.plans.items.query<Doc>({ query: 'SELECT * FROM c WHERE c.campaignId = @c AND c.kind = @k', parameters: [{ name: '@c', value: campaignId }, { name: '@k', value: kind }] }).fetchAll()).resources;

  beforeAll(async () => {
    stack = await startCampaignStack({ leads: 1200, touches: 15_000, env: { CampaignContactCapacity: 'call=3/slot', CampaignProductRevenue: 'term-life=1000' } });
  }, 80_000);
  afterAll(async () => stack?.stop(), 30_000);

  it('registers the HTTP trigger, and no timer unless CampaignPlanSchedule is set', () => {
    expect(stack.functions).toContain('campaignPlan');
    expect(stack.functions).toContain('dashboardStatus');
    expect(stack.functions).not.toContain('campaignPlanTimer');
  });

  it('needs the campaign key: host keys, the master key included, do not open it', async () => {
    for (const [key, header] of [[null, 'x-campaign-key'], [stack.functionKey, 'x-functions-key'], [stack.masterKey, 'x-functions-key'], [stack.masterKey, 'x-campaign-key'], [`${stack.campaignKey}x`, 'x-campaign-key']] as const) {
      const answer = await plan(campaignId, undefined, key, header);
      expect(answer.status, `${header}`).toBe(401);
      expect(answer.body).toMatchObject({ field: 'x-campaign-key' });
    }
  });

  it('scores every lead and writes one flat document per lead and per combination', async () => {
    const { status, body } = await plan(campaignId);
    expect(status).toBe(200);
    const header = body.plan as Doc;
    expect(header).toMatchObject({ id: 'plan:v1', kind: 'plan', campaignId, status: 'completed', modelVersion: 'v1', leads: 1200, skippedLeads: 0, engine: 'trees', product: 'term-life' });

    const leadDocs = await docs('leadPlan');
    const combos = await docs('combinationSummary');
    expect(leadDocs).toHaveLength(1200);
    expect(combos).toHaveLength(COMBINATION_COUNT);
    for (const d of [...leadDocs.slice(0, 50), ...combos, header]) {
      for (const [key, value] of Object.entries(d)) {
        if (!key.startsWith('_')) expect(value === null || ['string', 'number', 'boolean'].includes(typeof value), `${key} is flat`).toBe(true);
      }
    }
    // Money: a term-life conversion is worth 1,000 (CampaignProductRevenue), contacts cost the
    // defaults (call 5, SMS 0.20, email 0.05); calls limited to 3 per day and slot.
    expect(header).toMatchObject({ revenuePerConversion: 1000, revenueSource: 'setting:term-life', costPerCall: 5, capacityRule: 'call=3/slot', optimal: true });
    expect(combos.reduce((n, c) => n + (c.leads as number), 0)).toBe(header.contactedLeads);
    expect(leadDocs.filter((d) => d.contacted).length).toBe(header.contactedLeads);
    const sum = (field: string) => combos.reduce((n, c) => n + (c[field] as number), 0);
    expect(Math.abs(sum('expectedConversions') - (header.expectedConversions as number))).toBeLessThan(1e-3);
    expect(Math.abs(sum('expectedProfit') - (header.expectedProfit as number))).toBeLessThan(1);
    expect(Math.abs(sum('expectedCost') - (header.expectedCost as number))).toBeLessThan(0.01);
    expect(Math.abs(leadDocs.reduce((n, d) => n + (d.expectedProfit as number), 0) - (header.expectedProfit as number))).toBeLessThan(1);
    expect(header.expectedRoi).toBeCloseTo((header.expectedProfit as number) / (header.expectedCost as number), 3);
    // Capacities hold; the plan beats contacting everyone at the single best combination or at random.
    for (const c of combos.filter((c) => c.contactChannel === 'call')) {
      expect(c).toMatchObject({ capacity: 3, capacityResource: `call ${c.day} ${c.timeSlot}` });
      expect(c.leads as number).toBeLessThanOrEqual(3);
    }
    expect(header.expectedProfit as number).toBeGreaterThan(header.oneBestExpectedProfit as number);
    expect(header.oneBestExpectedProfit as number).toBeGreaterThan(header.randomExpectedProfit as number);
    expect(header.upperBoundExpectedProfit as number).toBeGreaterThanOrEqual((header.expectedProfit as number) - 0.01);
    // The limits bind: without them the plan would make more calls and earn more.
    expect(header.unconstrainedExpectedProfit as number).toBeGreaterThan((header.upperBoundExpectedProfit as number) + 1);
    expect(combos.filter((c) => c.contactChannel === 'call' && (c.unconstrainedLeads as number) > 3).length).toBeGreaterThan(0);
    expect(header.optimalityGap as number).toBeLessThan(1e-3);

    // Each lead's document holds what the model gives that lead.
    const model = await loadCampaignModelVersion(stack.registry, 'campaign');
    const lead = stack.data.leads[17];
    const probs = new Float32Array(COMBINATION_COUNT);
    await model.scorer('onnx').score(leadMatrix(model.layout, [lead], 'term-life'), 0, 1, probs);
    await model.release();
    const doc = leadDocs.find((d) => d.leadId === lead.leadId)!;
    const costs = COMBINATIONS.map((c) => ({ email: 0.05, sms: 0.2, call: 5 })[c.channel]);
    const profits = Array.from(probs, (p, k) => p * 1000 - costs[k]);
    const best = bestCombination(profits, 0);
    expect(doc).toMatchObject({ id: `lead:v1:${lead.leadId}`, bestContactChannel: COMBINATIONS[best].channel, bestDay: COMBINATIONS[best].day, bestTimeSlot: COMBINATIONS[best].timeSlot });
    expect(Math.abs((doc.bestProbability as number) - probs[best])).toBeLessThan(2e-6);
    expect(Math.abs((doc.bestExpectedProfit as number) - profits[best])).toBeLessThan(0.006);
    if (doc.contacted) {
      const k = COMBINATIONS.findIndex((c) => c.channel === doc.contactChannel && c.day === doc.day && c.timeSlot === doc.timeSlot);
      expect(Math.abs((doc.probability as number) - probs[k])).toBeLessThan(2e-6);
      expect(Math.abs((doc.expectedProfit as number) - profits[k])).toBeLessThan(0.006);
    }

    // The dashboard's campaign panel reads these very documents: the plan, not the campaign
    // definition or the lead and combination documents beside it, with the fields it names.
    const listed = await readCampaignPlans(stack.plans);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ campaignId, name: header.name, status: 'completed', updatedAt: header.updatedAt });
    for (const field of PLAN_SUMMARY_FIELDS) {
      expect(header, `the plan document has ${field}`).toHaveProperty(field);
      expect(listed[0].highlights[field]).toBe(header[field]);
    }
    const dashboard = await fetch(`${stack.url}/api/dashboard/status`, { headers: { 'x-functions-key': stack.functionKey } });
    expect(dashboard.status).toBe(200);
    expect(((await dashboard.json()) as { campaignPlans: { items: unknown[] } }).campaignPlans.items).toEqual(listed);
  });

  it('overwrites on a re-run and drops the documents of leads that are gone', async () => {
    const first = await docs('leadPlan');
    const again = await plan(campaignId);
    expect(again.status).toBe(200);
    const second = await docs('leadPlan');
    expect(second).toHaveLength(first.length);
    expect(new Set(second.map((d) => d.runId))).toEqual(new Set([(again.body.plan as Doc).runId]));

    const gone = stack.data.leads[3].leadId;
    await stack.leads.item(gone, gone).delete();
    const third = await plan(campaignId);
    expect(third.body).toMatchObject({ staleRemoved: 1, plan: { leads: 1199 } });
    const after = await docs('leadPlan');
    expect(after).toHaveLength(1199);
    expect(after.some((d) => d.leadId === gone)).toBe(false);
    expect(await docs('plan')).toHaveLength(1);
    expect(await docs('combinationSummary')).toHaveLength(COMBINATION_COUNT);
  });

  it('counts lead documents that are not valid leads instead of failing', async () => {
    await stack.leads.items.upsert({ id: 'broken', leadId: 'broken', age: 'old', incomeBand: 'middle', creditScore: 700, householdSize: 2, region: 'north' });
    const { status, body } = await plan(campaignId);
    expect(status).toBe(200);
    expect(body.plan).toMatchObject({ leads: 1199, skippedLeads: 1 });
    await stack.leads.item('broken', 'broken').delete();
  });

  it('answers errors that name the field', async () => {
    expect(await plan('C404')).toMatchObject({ status: 404, body: { field: 'campaignId' } });
    expect(await plan(campaignId, { modelVersion: 'no such/version' })).toMatchObject({ status: 400, body: { field: 'modelVersion' } });
    expect(await plan(campaignId, { modelVersion: 'v9' })).toMatchObject({ status: 404, body: { field: 'modelVersion' } });
    expect(await plan(campaignId, { colour: 'red' })).toMatchObject({ status: 400, body: { field: 'colour' } });
  });

  it('plans the listed campaigns on the timer, carrying on past a failing one', async () => {
    const { appServices } = await import('../../src/app/appServices');
    // C003's product terms as the template import writes them: a monthly premium of 100.
    const { resource: c3 } = await stack.plans.item('campaign', 'C003').read<Doc>();
    await stack.plans.items.upsert({ ...c3, premium: 100, paymentFrequency: 'monthly' });
    const messages: string[] = [];
    const result = await runScheduledPlans(['C002', 'C404', 'C003'], { ...appServices().campaign().planDeps((m: string) => messages.push(m)) });
    expect(result).toEqual({ planned: ['C002', 'C003'], failed: ['C404'] });
    expect(messages.some((m) => m.includes('C404'))).toBe(true);
    const { resource } = await stack.plans.item('plan:v1', 'C003').read<Doc>();
    expect(resource).toMatchObject({ status: 'completed', leads: 1199, revenuePerConversion: 1200, revenueSource: 'campaign:annualPremium' });
  });
});
