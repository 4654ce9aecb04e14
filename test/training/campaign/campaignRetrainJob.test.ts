// Scheduled retraining of the campaign model, by calling the timer's handler logic against
// Azurite: nothing happens before the campaign data is there; once leads and campaigns are in the
// data container, the touches and responses captured in the archive are trained on and the model
// promoted through the gate; the timer is registered by default and "off" removes it.
import type { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlobEnv, type BlobEnv } from '../../archive/archiveTestKit';
import { installFunctionsCoreShim } from '../../../tools/local/host/functionsCoreShim';
import { campaignDataToCsv } from '../../../tools/synthetic/campaign/campaignCsv';
import { generateCampaignData } from '../../../tools/synthetic/campaign/generateCampaignData';
import { ArchiveWriter } from '../../../src/archive/archiveWriter';
import { validateClientEvent } from '../../../src/events/eventValidation';
import { ModelRegistry } from '../../../src/models/modelRegistry';
import { CAMPAIGN_RETRAIN_DEFAULTS, readCampaignRetrainSettings } from '../../../src/config/campaignRetrainSettings';
import { retrainCampaignModel } from '../../../src/training/campaign/campaignRetrainJob';

let env: BlobEnv;
let data: ContainerClient;
let archive: ContainerClient;
let models: ContainerClient;
const lines: string[] = [];

beforeAll(async () => {
  env = await startBlobEnv('campaign-retrain');
  [data, archive, models] = ['campaign-data', 'archive', 'models'].map((n) => env.container(n));
}, 60_000);

afterAll(async () => {
  await env?.stop();
});

const run = () => retrainCampaignModel({ data, archive, models, env: {}, log: (m) => lines.push(m) });

describe('campaign retraining on a timer', () => {
  it('waits for data, then trains on the captured touches and responses and promotes through the gate', async () => {
    expect(await run()).toEqual({ status: 'skipped', reason: 'no campaign data yet (the container campaign-data does not exist)' });

    const synthetic = generateCampaignData({ leads: 600, touches: 6000, seed: 31, days: 28 });
    const csv = campaignDataToCsv(synthetic);
    await data.createIfNotExists();
    await data.getBlockBlobClient('leads.csv').upload(csv.leads, csv.leads.length);
    expect(await run()).toEqual({ status: 'skipped', reason: 'no campaign data yet (campaign-data/campaigns.csv is missing; campaign format)' });
    await data.getBlockBlobClient('campaigns.csv').upload(csv.campaigns, csv.campaigns.length);
    // Leads and campaigns, but no touch yet anywhere: nothing to learn from.
    const empty = await run();
    expect(empty.status).toBe('skipped');
    expect(empty.status === 'skipped' && empty.reason).toMatch(/at least 10 touches/);

    // The touches and responses arrive as events and are captured in the archive.
    const received = new Date(Date.parse(synthetic.touches[synthetic.touches.length - 1].touchedAt) + 86_400_000);
    const bodies: unknown[] = [];
    for (const t of synthetic.touches) {
      const common = { userId: `crm-${t.leadId}`, leadId: t.leadId, campaignId: t.campaignId };
      bodies.push({ id: t.touchId, type: 'campaign_touch', ...common, channel: t.channel, timestamp: t.touchedAt });
      if (t.converted) bodies.push({ id: `r-${t.touchId}`, type: 'campaign_response', ...common, touchId: t.touchId, timestamp: new Date(t.timeMs + 3_600_000).toISOString() });
    }
    await archive.createIfNotExists();
    await new ArchiveWriter(archive).write({
      fullyQualifiedNamespace: 'ns.servicebus.windows.net', eventHubName: 'events', consumerGroup: 'archive', partitionId: '0',
      events: bodies.map((body, i) => {
        const checked = validateClientEvent(body, received);
        if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
        return { body: checked.event, sequenceNumber: i, offset: String(i * 100), enqueuedTimeUtc: received, properties: {} };
      }),
    });

    const first = await run();
    expect(first.status).toBe('trained');
    if (first.status !== 'trained') return;
    expect(first.result.archive).toMatchObject({ touches: 6000, unmatchedResponses: 0 });
    expect(first.result.trainRows + first.result.validationRows).toBe(6000);
    expect(first.result.promotion).toMatchObject({ requested: true, promoted: true });
    expect((await new ModelRegistry(models).readCurrent('campaign'))?.version).toBe(first.result.version);

    // The next night, with the same data: not worse than the current model, so it replaces it.
    await new Promise((r) => setTimeout(r, 1100)); // versions are named by the second
    const second = await run();
    expect(second.status === 'trained' && second.result.promotion).toMatchObject({ promoted: true, current: { version: first.result.version } });
    expect(lines.some((l) => l.startsWith('campaignRetrain: campaign/') && l.includes('has the best validation AUC'))).toBe(true);
  }, 120_000);

  it('is on by default with its schedule, and "off" turns it off; bad values are named', async () => {
    expect(readCampaignRetrainSettings({})).toEqual(CAMPAIGN_RETRAIN_DEFAULTS);
    expect(readCampaignRetrainSettings({ CampaignRetrainSchedule: 'off' }).schedule).toBe('');
    expect(readCampaignRetrainSettings({ CampaignRetrainFormat: 'Template', CampaignPromotionMargin: '0.01' })).toMatchObject({ format: 'template', promotionMargin: 0.01 });
    expect(() => readCampaignRetrainSettings({ CampaignRetrainSchedule: '0 2 * * *' })).toThrow(/CampaignRetrainSchedule must be "off" or an NCRONTAB/);
    expect(() => readCampaignRetrainSettings({ CampaignRetrainFormat: 'xlsx' })).toThrow(/CampaignRetrainFormat must be one of campaign, template/);
    expect(() => readCampaignRetrainSettings({ CampaignPromotionMargin: '-1' })).toThrow(/CampaignPromotionMargin/);
    const registrations = installFunctionsCoreShim(() => {});
    await import('../../../functions/campaignRetrain');
    expect(registrations.find((r) => r.name === 'campaignRetrain')?.trigger).toMatchObject({ type: 'timerTrigger', schedule: '0 30 1 * * *', runOnStartup: false });
  });
});
