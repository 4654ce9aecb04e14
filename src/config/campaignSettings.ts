// Settings of campaign optimization (recommend API, plan job and timer, model name). Kept apart
// from settings.ts so the lead can merge CAMPAIGN_SETTING_NAMES into APP_SETTING_NAMES.
import { Env, SettingsError, numberSetting } from './settings';

export type CampaignScoringEngine = 'trees' | 'onnx';

export interface CampaignSettings {
  /** Name of the model in the registry (`<name>/current`). */
  modelName: string;
  /** How often the recommend API checks the model pointer's ETag. */
  modelPollSeconds: number;
  leadsContainer: string;
  plansContainer: string;
  /** Blob container holding leads.csv / campaigns.csv / touches.csv for import and training. */
  dataContainer: string;
  /** Which engine scores: the trees walked in TypeScript (faster) or onnxruntime. */
  scoringEngine: CampaignScoringEngine;
  /** Most leads one recommend request may name (at most 1000). */
  recommendMaxLeads: number;
  /** NCRONTAB schedule of the plan timer; empty = timer off. */
  planSchedule: string;
  /** Campaigns the timer plans. */
  planCampaigns: string[];
  /** Seconds a campaign definition is cached by the recommend API. */
  campaignCacheSeconds: number;
}

export const CAMPAIGN_SETTING_NAMES = [
  'CampaignModelName',
  'CampaignModelPollSeconds',
  'CampaignLeadsContainer',
  'CampaignPlansContainer',
  'CampaignDataContainer',
  'CampaignScoringEngine',
  'CampaignRecommendMaxLeads',
  'CampaignPlanSchedule',
  'CampaignPlanCampaigns',
  'CampaignCacheSeconds',
] as const;

export const CAMPAIGN_DEFAULTS: CampaignSettings = {
  modelName: 'campaign',
  modelPollSeconds: 30,
  leadsContainer: 'leads',
  plansContainer: 'campaignPlans',
  dataContainer: 'campaign-data',
  scoringEngine: 'trees',
  recommendMaxLeads: 1000,
  planSchedule: '',
  planCampaigns: [],
  campaignCacheSeconds: 60,
};

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const COSMOS_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;
// NCRONTAB: {second} {minute} {hour} {day} {month} {day-of-week}.
const NCRONTAB = /^(\S+\s+){5}\S+$/;
const CRON_FIELD = /^[0-9A-Za-z*/,-]+$/;

const intSetting = (env: Env, name: string, fallback: number, min: number, max: number) => numberSetting(env, name, fallback, min, max, true);

function nameSetting(env: Env, name: string, fallback: string, pattern: RegExp, what: string): string {
  const value = (env[name] ?? '').trim() || fallback;
  if (!pattern.test(value)) throw new SettingsError(`Setting ${name} must be ${what}, got "${value}"`);
  return value;
}

export function readCampaignSettings(env: Env = process.env): CampaignSettings {
  const d = CAMPAIGN_DEFAULTS;
  const engine = (env.CampaignScoringEngine ?? '').trim().toLowerCase() || d.scoringEngine;
  if (engine !== 'trees' && engine !== 'onnx') throw new SettingsError(`Setting CampaignScoringEngine must be "trees" or "onnx", got "${env.CampaignScoringEngine}"`);
  const schedule = (env.CampaignPlanSchedule ?? '').trim();
  if (schedule !== '' && (!NCRONTAB.test(schedule) || !schedule.split(/\s+/).every((f) => CRON_FIELD.test(f)))) {
    throw new SettingsError(`Setting CampaignPlanSchedule must be an NCRONTAB expression with 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}), e.g. "0 0 2 * * *"; got "${schedule}"`);
  }
  const campaigns = (env.CampaignPlanCampaigns ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const badCampaign = campaigns.find((c) => !CAMPAIGN_ID.test(c));
  if (badCampaign !== undefined) throw new SettingsError(`Setting CampaignPlanCampaigns: "${badCampaign}" is not a campaign id`);
  return {
    modelName: nameSetting(env, 'CampaignModelName', d.modelName, NAME, "lower-case letters, digits and '-'"),
    modelPollSeconds: intSetting(env, 'CampaignModelPollSeconds', d.modelPollSeconds, 1, 3600),
    leadsContainer: nameSetting(env, 'CampaignLeadsContainer', d.leadsContainer, COSMOS_NAME, 'a Cosmos DB container name'),
    plansContainer: nameSetting(env, 'CampaignPlansContainer', d.plansContainer, COSMOS_NAME, 'a Cosmos DB container name'),
    dataContainer: nameSetting(env, 'CampaignDataContainer', d.dataContainer, /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'a Blob container name (3-63 lower-case letters, digits, -)'),
    scoringEngine: engine,
    recommendMaxLeads: intSetting(env, 'CampaignRecommendMaxLeads', d.recommendMaxLeads, 1, 1000),
    planSchedule: schedule,
    planCampaigns: campaigns,
    campaignCacheSeconds: intSetting(env, 'CampaignCacheSeconds', d.campaignCacheSeconds, 0, 3600),
  };
}
