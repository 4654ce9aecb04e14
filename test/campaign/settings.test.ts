import { describe, expect, it } from 'vitest';
import { CAMPAIGN_DEFAULTS, CAMPAIGN_SETTING_NAMES, CONTACT_CHANNEL_NAMES, readCampaignSettings } from '../../src/config/campaignSettings';
import { CHANNELS } from '../../src/events/contactCombinations';
import { installFunctionsCoreShim } from '../../tools/local/host/functionsCoreShim';

describe('campaign settings', () => {
  it('defaults to the trees engine, 1,000 leads per request and no timer', () => {
    expect(readCampaignSettings({})).toEqual(CAMPAIGN_DEFAULTS);
    expect(CAMPAIGN_DEFAULTS).toMatchObject({ modelName: 'campaign', scoringEngine: 'trees', recommendMaxLeads: 1000, planSchedule: '', leadsContainer: 'leads', plansContainer: 'campaignPlans' });
  });

  it('reads every named setting', () => {
    const env = {
      CampaignModelName: 'campaign-b', CampaignModelPollSeconds: '5', CampaignLeadsContainer: 'leads2', CampaignPlansContainer: 'plans2', CampaignDataContainer: 'crm-exports',
      CampaignScoringEngine: 'ONNX', CampaignRecommendMaxLeads: '200', CampaignPlanSchedule: '0 30 2 * * *', CampaignPlanCampaigns: 'C1, C2', CampaignCacheSeconds: '0',
      CampaignProductRevenue: 'Term-Life=1500, *=80', CampaignContactCost: 'call=7.5', CampaignContactCapacity: 'call=300/slot, email = 20000 / day, sms=unlimited',
    };
    expect(Object.keys(env).sort()).toEqual([...CAMPAIGN_SETTING_NAMES].sort());
    expect(readCampaignSettings(env)).toEqual({
      modelName: 'campaign-b', modelPollSeconds: 5, leadsContainer: 'leads2', plansContainer: 'plans2', dataContainer: 'crm-exports', scoringEngine: 'onnx',
      recommendMaxLeads: 200, planSchedule: '0 30 2 * * *', planCampaigns: ['C1', 'C2'], campaignCacheSeconds: 0,
      productRevenue: { 'term-life': 1500, '*': 80 }, contactCost: { email: 0.05, sms: 0.2, call: 7.5 },
      contactCapacity: { call: { limit: 300, per: 'slot' }, email: { limit: 20000, per: 'day' } },
    });
  });

  it('names the contact channels as the combinations do', () => {
    expect([...CONTACT_CHANNEL_NAMES]).toEqual([...CHANNELS]);
  });

  it('refuses bad values, naming the setting', () => {
    expect(() => readCampaignSettings({ CampaignScoringEngine: 'gpu' })).toThrow(/CampaignScoringEngine must be "trees" or "onnx"/);
    expect(() => readCampaignSettings({ CampaignRecommendMaxLeads: '5000' })).toThrow(/CampaignRecommendMaxLeads must be an integer between 1 and 1000/);
    expect(() => readCampaignSettings({ CampaignPlanSchedule: '0 2 * * *' })).toThrow(/CampaignPlanSchedule must be an NCRONTAB expression with 6 fields/);
    expect(() => readCampaignSettings({ CampaignPlanCampaigns: 'C1,bad id' })).toThrow(/CampaignPlanCampaigns: "bad id"/);
    expect(() => readCampaignSettings({ CampaignModelName: 'Campaign' })).toThrow(/CampaignModelName/);
    expect(() => readCampaignSettings({ CampaignDataContainer: 'A_b' })).toThrow(/CampaignDataContainer/);
    expect(() => readCampaignSettings({ CampaignContactCost: 'fax=1' })).toThrow(/CampaignContactCost: "fax" is not a contact channel/);
    expect(() => readCampaignSettings({ CampaignContactCost: 'call=-1' })).toThrow(/CampaignContactCost: call must be a number between 0 and 1e9; got "-1"/);
    expect(() => readCampaignSettings({ CampaignContactCapacity: 'call=300/hour' })).toThrow(/CampaignContactCapacity: call must be N\/slot, N\/day or unlimited/);
    expect(() => readCampaignSettings({ CampaignProductRevenue: 'savings' })).toThrow(/CampaignProductRevenue: "savings" is not key=value/);
    expect(() => readCampaignSettings({ CampaignProductRevenue: 'savings=lots' })).toThrow(/CampaignProductRevenue: savings must be a number/);
  });

  it('registers the plan timer only when CampaignPlanSchedule is set', async () => {
    process.env.CampaignPlanSchedule = '0 0 3 * * 1';
    const registrations = installFunctionsCoreShim(() => {});
    await import('../../functions/campaignPlan');
    const timer = registrations.find((r) => r.name === 'campaignPlanTimer');
    expect(timer?.trigger).toMatchObject({ type: 'timerTrigger', schedule: '0 0 3 * * 1', runOnStartup: false });
    expect(registrations.find((r) => r.name === 'campaignPlan')?.trigger).toMatchObject({ type: 'httpTrigger', authLevel: 'anonymous', route: 'api/manage/campaigns/{campaignId}/plan' });
    delete process.env.CampaignPlanSchedule;
  });
});
