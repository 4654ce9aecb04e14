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
  /** Revenue of one conversion per product (`*`: any other product); a campaign's own figure wins. */
  productRevenue: Record<string, number>;
  /** Cost of one contact per contact channel. */
  contactCost: Record<ContactChannelName, number>;
  /** Contacts a channel can make per time slot or per day; a channel not listed is unlimited. */
  contactCapacity: Partial<Record<ContactChannelName, ContactLimit>>;
}

/** The contact channels (the same list as CHANNELS in src/events/contactCombinations.ts, which
 * this layer may not import; test/campaign/settings.test.ts keeps them equal). */
export const CONTACT_CHANNEL_NAMES = ['email', 'sms', 'call'] as const;
export type ContactChannelName = (typeof CONTACT_CHANNEL_NAMES)[number];

export interface ContactLimit {
  limit: number;
  /** `slot`: per day and time slot (e.g. calls on Monday morning); `day`: per day. */
  per: 'slot' | 'day';
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
  'CampaignProductRevenue',
  'CampaignContactCost',
  'CampaignContactCapacity',
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
  // Defaults for when neither the import nor the settings give figures: a conversion is worth
  // 100 (currency units), an email costs 0.05, an SMS 0.20, a call 5 (an agent's few minutes).
  productRevenue: { '*': 100 },
  contactCost: { email: 0.05, sms: 0.2, call: 5 },
  contactCapacity: {},
};

const PRODUCT_KEY = /^(\*|[a-z0-9][a-z0-9_-]{0,63})$/;

/** "a=1.5, b=2": entries split on commas, key and number split on '='. */
function pairs(env: Env, name: string, example: string): [string, string][] {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return [];
  return raw.split(',').map((entry) => entry.trim()).filter((e) => e !== '').map((entry) => {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new SettingsError(`Setting ${name}: "${entry}" is not key=value (e.g. "${example}")`);
    return [entry.slice(0, eq).trim().toLowerCase(), entry.slice(eq + 1).trim()];
  });
}

function money(name: string, key: string, text: string): number {
  const v = Number(text);
  if (text === '' || !Number.isFinite(v) || v < 0 || v > 1e9) throw new SettingsError(`Setting ${name}: ${key} must be a number between 0 and 1e9; got "${text}"`);
  return v;
}

function contactChannel(name: string, key: string): ContactChannelName {
  if (!(CONTACT_CHANNEL_NAMES as readonly string[]).includes(key)) throw new SettingsError(`Setting ${name}: "${key}" is not a contact channel (${CONTACT_CHANNEL_NAMES.join(', ')})`);
  return key as ContactChannelName;
}

export function readProductRevenue(env: Env): Record<string, number> {
  const out: Record<string, number> = { ...CAMPAIGN_DEFAULTS.productRevenue };
  for (const [key, text] of pairs(env, 'CampaignProductRevenue', 'savings=800,*=100')) {
    if (!PRODUCT_KEY.test(key)) throw new SettingsError(`Setting CampaignProductRevenue: "${key}" is not a product (lower-case letters, digits, _ and -) or *`);
    out[key] = money('CampaignProductRevenue', key, text);
  }
  return out;
}

export function readContactCost(env: Env): Record<ContactChannelName, number> {
  const out = { ...CAMPAIGN_DEFAULTS.contactCost };
  for (const [key, text] of pairs(env, 'CampaignContactCost', 'email=0.05,sms=0.2,call=5')) out[contactChannel('CampaignContactCost', key)] = money('CampaignContactCost', key, text);
  return out;
}

const LIMIT = /^(\d{1,9})\s*\/\s*(slot|day)$/;

export function readContactCapacity(env: Env): Partial<Record<ContactChannelName, ContactLimit>> {
  const out: Partial<Record<ContactChannelName, ContactLimit>> = {};
  for (const [key, text] of pairs(env, 'CampaignContactCapacity', 'call=300/slot,sms=5000/day')) {
    const channel = contactChannel('CampaignContactCapacity', key);
    if (text.toLowerCase() === 'unlimited') continue;
    const m = LIMIT.exec(text.toLowerCase());
    if (!m) throw new SettingsError(`Setting CampaignContactCapacity: ${key} must be N/slot, N/day or unlimited (e.g. "call=300/slot"); got "${text}"`);
    out[channel] = { limit: Number(m[1]), per: m[2] as 'slot' | 'day' };
  }
  return out;
}

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
    productRevenue: readProductRevenue(env),
    contactCost: readContactCost(env),
    contactCapacity: readContactCapacity(env),
  };
}
