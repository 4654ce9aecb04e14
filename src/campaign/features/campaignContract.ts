// The campaign model's feature contract, in the project's contract format (src/features), so the
// registry, the model loader and the watcher treat the campaign model like the offers model:
// lead attributes and the campaign's product are `context` features, the contact option
// (channel, day, time slot) is the `action`. Interactions between them are left to the trees
// (every path that splits on a lead attribute and then on a channel/day/slot IS one); the
// contract format has no product-of-features encoding, and the fast scorer relies on
// lead columns and option columns being separate.
import { CHANNELS, DAYS, TIME_SLOTS } from '../../events/contactCombinations';
import { columnNames, type FeatureContract, FEATURE_CONTRACT_VERSION, parseFeatureContract } from '../../features/featureContract';

export interface CampaignVocabulary {
  regions: readonly string[];
  products: readonly string[];
}

export const NUMERIC_LEAD_FEATURES = [
  { name: 'age', key: 'lead.age' },
  { name: 'creditScore', key: 'lead.creditScore' },
  { name: 'householdSize', key: 'lead.householdSize' },
  { name: 'incomeLevel', key: 'lead.incomeLevel' },
] as const;

export function buildCampaignContract(v: CampaignVocabulary): FeatureContract {
  if (v.regions.length === 0) throw new RangeError('campaign contract: needs at least one region');
  if (v.products.length === 0) throw new RangeError('campaign contract: needs at least one product');
  const contract: FeatureContract = {
    version: FEATURE_CONTRACT_VERSION,
    features: [
      ...NUMERIC_LEAD_FEATURES.map((f) => ({ name: f.name, source: 'context' as const, key: f.key, encoding: { type: 'numeric' as const } })),
      { name: 'region', source: 'context', key: 'lead.region', encoding: { type: 'onehot', vocabulary: [...v.regions] } },
      { name: 'product', source: 'context', key: 'campaign.product', encoding: { type: 'onehot', vocabulary: [...v.products] } },
      { name: 'channel', source: 'action', key: 'channel', encoding: { type: 'onehot', vocabulary: [...CHANNELS] } },
      { name: 'day', source: 'action', key: 'day', encoding: { type: 'onehot', vocabulary: [...DAYS] } },
      { name: 'timeSlot', source: 'action', key: 'timeSlot', encoding: { type: 'onehot', vocabulary: [...TIME_SLOTS] } },
    ],
  };
  const checked = parseFeatureContract(contract);
  if (!checked.ok) throw new RangeError(`campaign contract: ${checked.error}`);
  return checked.contract;
}

/** Where each part of a campaign row sits. Lead columns come first, then the option's. */
export interface CampaignLayout {
  contract: FeatureContract;
  regions: readonly string[];
  products: readonly string[];
  width: number;
  regionOffset: number;
  productOffset: number;
  /** Columns that depend on the lead (and product) only. */
  leadWidth: number;
  channelOffset: number;
  dayOffset: number;
  slotOffset: number;
  columnNames: string[];
}

export class CampaignContractError extends Error {}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Checks that a (manifest's) contract is a campaign contract and returns its layout. */
export function campaignLayout(input: unknown): CampaignLayout {
  const parsed = parseFeatureContract(input);
  if (!parsed.ok) throw new CampaignContractError(parsed.error);
  const contract = parsed.contract;
  const f = contract.features;
  const expectNames = [...NUMERIC_LEAD_FEATURES.map((x) => x.name), 'region', 'product', 'channel', 'day', 'timeSlot'];
  if (!sameList(f.map((x) => x.name), expectNames)) {
    throw new CampaignContractError(`features: are [${f.map((x) => x.name).join(', ')}]; a campaign model reads [${expectNames.join(', ')}]`);
  }
  const onehot = (i: number, source: 'context' | 'action', key: string): string[] => {
    const spec = f[i];
    if (spec.source !== source || spec.key !== key || spec.encoding.type !== 'onehot') {
      throw new CampaignContractError(`features[${i}]: must be a one-hot ${source} feature with key ${key}`);
    }
    return spec.encoding.vocabulary;
  };
  NUMERIC_LEAD_FEATURES.forEach((expected, i) => {
    const spec = f[i];
    if (spec.source !== 'context' || spec.key !== expected.key || spec.encoding.type !== 'numeric' || (spec.encoding.transform ?? 'none') !== 'none') {
      throw new CampaignContractError(`features[${i}]: must be the numeric context feature ${expected.key}`);
    }
  });
  const n = NUMERIC_LEAD_FEATURES.length;
  const regions = onehot(n, 'context', 'lead.region');
  const products = onehot(n + 1, 'context', 'campaign.product');
  const options: [string, readonly string[]][] = [['channel', CHANNELS], ['day', DAYS], ['timeSlot', TIME_SLOTS]];
  options.forEach(([key, vocab], j) => {
    if (!sameList(onehot(n + 2 + j, 'action', key), vocab)) throw new CampaignContractError(`features[${n + 2 + j}]: vocabulary must be [${vocab.join(', ')}]`);
  });
  const regionOffset = n;
  const productOffset = regionOffset + regions.length;
  const leadWidth = productOffset + products.length;
  const channelOffset = leadWidth;
  const dayOffset = channelOffset + CHANNELS.length;
  const slotOffset = dayOffset + DAYS.length;
  return {
    contract, regions, products, width: slotOffset + TIME_SLOTS.length, regionOffset, productOffset, leadWidth, channelOffset, dayOffset, slotOffset,
    columnNames: columnNames(contract),
  };
}
