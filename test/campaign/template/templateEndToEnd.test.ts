// The template's own data through the whole path, on the shared sample (2,000 leads, 10,010
// touches) against the emulators: import (Cosmos DB stand-in) → train with model choice and
// promotion (Azurite registry) → plan through the admin HTTP trigger → recommend through the
// function-key HTTP trigger, on the local Functions host with the real function files.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '@azure/cosmos';
import { writeCampaignData } from '../../../src/campaign/data/importCampaignData';
import { readCampaignInput } from '../../../src/campaign/template/campaignInput';
import { runCampaignTraining, type CampaignTrainingResult } from '../../../src/training/campaign/runCampaignTraining';
import { startCampaignHost, type CampaignHost } from '../fixtures/campaignStack';

const SAMPLE = path.resolve(__dirname, '../../../../shared/campaign-template');
type Doc = Record<string, unknown>;

describe('the template sample, imported, trained, planned and recommended', () => {
  let host: CampaignHost;
  let plans: Container;
  let training: CampaignTrainingResult;

  beforeAll(async () => {
    host = await startCampaignHost(async ({ leads, plans, models }) => {
      const input = await readCampaignInput({ folder: SAMPLE }, 'template');
      await writeCampaignData(input.data, { leads, plans });
      training = await runCampaignTraining({ source: { folder: SAMPLE }, format: 'template', registry: models, modelName: 'campaign', version: 't1', promote: true, trees: 60 });
    });
    plans = host.plans;
  }, 120_000);

  afterAll(async () => host?.stop(), 30_000);

  const post = async (route: string, body: unknown, key: Record<string, string>) => {
    const res = await fetch(`${host.url}/api/${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...key }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Doc };
  };

  it('trains on the template touches, choosing among the candidates, and promotes the first model', () => {
    expect(training.trainRows + training.validationRows).toBe(10_010);
    expect(training.candidates.map((c) => c.name).sort()).toEqual(['gbdt', 'logistic', 'random-forest']);
    expect(training.validationAuc).toBe(Math.max(...training.candidates.map((c) => c.validationAuc)));
    // The template's conversions depend on the day (2–4 best) and credit score, so any model beats chance.
    expect(training.validationAuc).toBeGreaterThan(0.6);
    expect(training.promotion).toMatchObject({ promoted: true, reason: 'no current campaign model: the first one is promoted' });
    expect(training.templateColumns?.imputed).toEqual([{ file: 'Lead_Demography.csv', column: 'Household_Size', rows: 23, value: '1' }]);
  });

  it('plans a template campaign for all 2,000 leads, with the product terms beside the plan', async () => {
    const answer = await post('manage/campaigns/2/plan', {}, { 'x-campaign-key': host.campaignKey });
    expect(answer.status).toBe(200);
    const body = answer.body.plan as Doc;
    expect(body).toMatchObject({ campaignId: '2', product: 'live-free', modelVersion: 't1', status: 'completed', leads: 2000, skippedLeads: 0 });
    expect(body.expectedConversions as number).toBeGreaterThan(body.randomExpectedConversions as number);
    const { resources } = await plans.items.query<Doc>({ query: 'SELECT * FROM c WHERE c.campaignId = "2" AND c.kind = "leadPlan"' }).fetchAll();
    expect(resources).toHaveLength(2000);
    const { resource: campaign } = await plans.item('campaign', '2').read<Doc>();
    expect(campaign).toMatchObject({ premium: 1500, paymentFrequency: 'monthly', termYears: 15 });
  }, 60_000);

  it('recommends for template leads by their id', async () => {
    const { status, body } = await post('campaigns/recommend', { campaignId: '4', leads: [{ leadId: 'ID-00000001' }, { leadId: 'ID-00001999' }] }, { 'x-functions-key': host.functionKey });
    expect(status).toBe(200);
    expect(body).toMatchObject({ modelVersion: 't1', product: 'making-tomorrow-better' });
    const results = body.results as { leadId: string; channel: string; probabilities: number[] }[];
    expect(results.map((r) => r.leadId)).toEqual(['ID-00000001', 'ID-00001999']);
    expect(results[0].probabilities).toHaveLength(63);
  });
});
