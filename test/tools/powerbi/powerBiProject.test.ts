// The Power BI project in powerbi/ against what the app really writes: the aggregation and the
// campaign plan job write their documents into the Cosmos DB emulator, the fields of those
// documents (per container and kind) are what the model may read, and the project's tables,
// columns, measures, relationships and report visuals are checked against them. A copy with
// one thing broken must fail, naming it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackedEvent } from '../../../src/events/eventSchema';
import { AGGREGATES_CONTAINER } from '../../../src/aggregation/containers';
import { CAMPAIGN_PLANS_CONTAINER } from '../../../src/dashboard/campaignPlanSummary';
import { checkPowerBiProject, type WrittenFields } from '../../../tools/powerbi/checkPowerBiProject';
import { makeEvents } from '../../aggregation/fixtures/generatedEvents';
import { AggregateSeeder, startStores, type Stores } from '../../dashboard/dashboardTestKit';
import { seedCampaignPlans } from '../../dashboard/registrySeed';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PROJECT = path.join(ROOT, 'powerbi');
const DATABASE = 'powerbi-check';

let stores: Stores;
let written: WrittenFields;

/** Campaign touches and responses, which only the campaign documents count. */
function campaignEvents(): TrackedEvent[] {
  const base = { schemaVersion: 1, receivedAt: '2026-11-20T10:00:00.000Z', userId: 'crm-L1', leadId: 'L1', campaignId: 'C001' };
  return [
    { ...base, id: 'touch-1', type: 'campaign_touch', channel: 'sms', timestamp: '2026-11-20T09:00:00.000Z', day: 'fri', timeSlot: 'morning' } as TrackedEvent,
    { ...base, id: 'response-1', type: 'campaign_response', touchId: 'touch-1', timestamp: '2026-11-20T09:30:00.000Z' } as TrackedEvent,
  ];
}

async function fieldsByKind(container: string): Promise<Map<string, Set<string>>> {
  const docs = (await stores.client.database(DATABASE).container(container).items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll()).resources;
  const byKind = new Map<string, Set<string>>();
  for (const doc of docs) {
    const kind = String(doc.kind);
    if (!byKind.has(kind)) byKind.set(kind, new Set());
    for (const key of Object.keys(doc)) if (!key.startsWith('_')) byKind.get(kind)!.add(key);
  }
  return byKind;
}

function brokenCopy(edit: (dir: string) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'powerbi-broken-'));
  fs.cpSync(PROJECT, dir, { recursive: true });
  edit(dir);
  return dir;
}

function replaceIn(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  expect(text, `${file} contains ${from}`).toContain(from);
  fs.writeFileSync(file, text.replace(from, to));
}

beforeAll(async () => {
  stores = await startStores(false);
  const seeder = new AggregateSeeder(stores.client, DATABASE);
  await seeder.add([...makeEvents(400, 5), ...campaignEvents()]);
  await seedCampaignPlans(stores.client, DATABASE);
  written = new Map([
    [AGGREGATES_CONTAINER, await fieldsByKind(AGGREGATES_CONTAINER)],
    [CAMPAIGN_PLANS_CONTAINER, await fieldsByKind(CAMPAIGN_PLANS_CONTAINER)],
  ]);
}, 120_000);

afterAll(async () => stores?.stop(), 30_000);

describe('the Power BI project', () => {
  it('reads only fields the app writes, and every measure and visual field exists', () => {
    // The writers wrote every kind the project reads.
    expect([...written.get(AGGREGATES_CONTAINER)!.keys()].sort()).toEqual(expect.arrayContaining(['campaign', 'channel', 'decisionSource', 'offer', 'product']));
    expect([...written.get(CAMPAIGN_PLANS_CONTAINER)!.keys()].sort()).toEqual(['campaign', 'combinationSummary', 'leadPlan', 'plan']);
    const result = checkPowerBiProject(PROJECT, written);
    expect(result.problems).toEqual([]);
    expect(result.containers).toEqual([AGGREGATES_CONTAINER, CAMPAIGN_PLANS_CONTAINER]);
    expect(result.tables).toBeGreaterThanOrEqual(10);
    expect(result.measures).toBeGreaterThanOrEqual(30);
    expect(result.visuals).toBeGreaterThanOrEqual(20);
  });

  it('has the two reports, each opening the shared model, and the endpoint and database as parameters', () => {
    for (const report of ['Campaigns', 'Activity']) {
      const pbip = JSON.parse(fs.readFileSync(path.join(PROJECT, `${report}.pbip`), 'utf8'));
      expect(pbip.artifacts).toEqual([{ report: { path: `${report}.Report` } }]);
    }
    const expressions = fs.readFileSync(path.join(PROJECT, 'Personalization.SemanticModel/definition/expressions.tmdl'), 'utf8');
    expect(expressions).toMatch(/^expression CosmosEndpoint = .*IsParameterQuery=true/m);
    expect(expressions).toMatch(/^expression CosmosDatabase = "personalization" meta .*IsParameterQuery=true/m);
  });

  it('lists at the top of docs/powerbi.md exactly the containers it reads (the read-only role assignments)', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/powerbi.md'), 'utf8');
    const head = doc.slice(0, doc.indexOf('\n## '));
    const listed = [...head.matchAll(/^\| `([A-Za-z0-9_-]+)` \|/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(checkPowerBiProject(PROJECT, written).containers);
  });

  it('fails a copy whose column reads a field the documents do not have', () => {
    const dir = brokenCopy((d) => {
      const file = path.join(d, 'Personalization.SemanticModel/definition/tables/Plans.tmdl');
      replaceIn(file, 'sourceColumn: expectedProfit\n', 'sourceColumn: expectedProfits\n');
    });
    try {
      expect(checkPowerBiProject(dir, written).problems).toEqual([
        'Personalization.SemanticModel/definition/tables/Plans.tmdl: column Plans[expectedProfit] reads "expectedProfits", which "plan" documents in "campaignPlans" do not have',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when the app stops writing a field the model selects (e.g. the old web "channel")', () => {
    const renamed: WrittenFields = new Map([...written].map(([c, kinds]) => [c, new Map([...kinds].map(([k, f]) => [k, new Set([...f].map((x) => (c === AGGREGATES_CONTAINER && x === 'webChannel' ? 'channel' : x)))]))]));
    const problems = checkPowerBiProject(PROJECT, renamed).problems;
    expect(problems).toContain('Personalization.SemanticModel/definition/tables/ChannelHeatmap.tmdl: table ChannelHeatmap selects "webChannel", which "channel" documents in "aggregates" do not have');
  });

  it('fails a copy with a measure over a missing column, a visual on a missing measure, or an unknown kind', () => {
    const dir = brokenCopy((d) => {
      replaceIn(path.join(d, 'Personalization.SemanticModel/definition/tables/OffersByDay.tmdl'), 'SUM ( OffersByDay[clicks] )', 'SUM ( OffersByDay[click] )');
      replaceIn(path.join(d, 'Campaigns.Report/definition/pages/campaignOverview/visuals/roiCard/visual.json'), '"Property": "Expected ROI"', '"Property": "Expected RIO"');
      replaceIn(path.join(d, 'Personalization.SemanticModel/definition/tables/CampaignResponses.tmdl'), '[kind] = "campaign"', '[kind] = "campaigns"');
    });
    try {
      const problems = checkPowerBiProject(dir, written).problems;
      expect(problems).toContain("Personalization.SemanticModel/definition/tables/OffersByDay.tmdl: measure 'Offer Clicks' uses OffersByDay[click], which is not a column or measure of OffersByDay");
      expect(problems).toContain(`${path.join('Campaigns.Report', 'definition', 'pages', 'campaignOverview', 'visuals', 'roiCard', 'visual.json')}: measure Plans[Expected RIO] is not in the model`);
      expect(problems.some((p) => p.startsWith('Personalization.SemanticModel/definition/tables/CampaignResponses.tmdl: table CampaignResponses filters [kind] = "campaigns", which is not a kind'))).toBe(true);
      expect(problems).toHaveLength(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
