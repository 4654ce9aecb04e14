// Every app setting any capability reads: the list the deployment (infra/) must match.
import { APP_SETTING_NAMES } from './settings';
import { RANKING_SETTING_NAMES } from './rankingSettings';
import { TRAINING_SETTING_NAMES } from './trainingSettings';
import { CAMPAIGN_SETTING_NAMES } from './campaignSettings';
import { CAMPAIGN_RETRAIN_SETTING_NAMES } from './campaignRetrainSettings';
import { PRODUCT_SETTING_NAMES } from './productSettings';
import { ADMIN_KEY_SETTING_NAMES } from './adminKeySettings';
import { MODEL_INTEGRITY_SETTING_NAMES } from './modelIntegritySettings';
import { IDENTITY_SETTING_NAMES } from './identitySettings';

export const ALL_APP_SETTING_NAMES: readonly string[] = [
  ...APP_SETTING_NAMES, ...RANKING_SETTING_NAMES, ...TRAINING_SETTING_NAMES, ...CAMPAIGN_SETTING_NAMES, ...CAMPAIGN_RETRAIN_SETTING_NAMES, ...PRODUCT_SETTING_NAMES,
  ...IDENTITY_SETTING_NAMES, ...ADMIN_KEY_SETTING_NAMES, ...MODEL_INTEGRITY_SETTING_NAMES,
];

/** Settings that hold secrets: in Azure they are Key Vault references, never literal values. */
export const SECRET_SETTING_NAMES: readonly string[] = ['PersonalizerApiKeys', 'RankingSigningKeys', 'CatalogApiKeys', 'UserTokenKeys', 'CampaignApiKeys', 'ModelSigningKeys'];
