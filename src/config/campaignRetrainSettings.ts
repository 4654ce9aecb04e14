// Settings of the campaign model's scheduled retraining (src/training/campaign/campaignRetrainJob.ts).
// On by default: the timer runs on its schedule and trains as soon as the campaign data is there.
import { Env, SettingsError, numberSetting } from './settings';

/** The input formats of campaign data: our three files, or the template's four tables. */
export const CAMPAIGN_FORMATS = ['campaign', 'template'] as const;
export type CampaignFormat = (typeof CAMPAIGN_FORMATS)[number];

export interface CampaignRetrainSettings {
  /** NCRONTAB schedule of the retraining timer; '' = off (the timer is not registered). */
  schedule: string;
  /** Format of the CSV files in CampaignDataContainer. */
  format: CampaignFormat;
  /** Validation AUC a new model may lose against the current one and still be promoted. */
  promotionMargin: number;
}

export const CAMPAIGN_RETRAIN_SETTING_NAMES = ['CampaignRetrainSchedule', 'CampaignRetrainFormat', 'CampaignPromotionMargin'] as const;

export const CAMPAIGN_RETRAIN_DEFAULTS: CampaignRetrainSettings = { schedule: '0 30 1 * * *', format: 'campaign', promotionMargin: 0 };

const CRON_FIELD = /^[0-9A-Za-z*/,-]+$/;

export function readCampaignRetrainSettings(env: Env = process.env): CampaignRetrainSettings {
  const raw = (env.CampaignRetrainSchedule ?? '').trim();
  let schedule = raw === '' ? CAMPAIGN_RETRAIN_DEFAULTS.schedule : raw;
  if (schedule.toLowerCase() === 'off') schedule = '';
  else {
    const fields = schedule.split(/\s+/);
    if (fields.length !== 6 || !fields.every((f) => CRON_FIELD.test(f))) {
      throw new SettingsError(`Setting CampaignRetrainSchedule must be "off" or an NCRONTAB expression with 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}), e.g. "0 30 1 * * *"; got "${raw}"`);
    }
  }
  const format = (env.CampaignRetrainFormat ?? '').trim().toLowerCase() || CAMPAIGN_RETRAIN_DEFAULTS.format;
  if (!(CAMPAIGN_FORMATS as readonly string[]).includes(format)) throw new SettingsError(`Setting CampaignRetrainFormat must be one of ${CAMPAIGN_FORMATS.join(', ')}, got "${env.CampaignRetrainFormat}"`);
  return {
    schedule,
    format: format as CampaignFormat,
    promotionMargin: numberSetting(env, 'CampaignPromotionMargin', CAMPAIGN_RETRAIN_DEFAULTS.promotionMargin, 0, 1, false),
  };
}
