// Touches → model rows, split by time: the latest share of touches (by touchedAt) validates a
// model trained on the earlier ones, as it will be used on touches after its training data.
import { CHANNELS } from '../../events/contactCombinations';
import { buildCampaignContract, campaignLayout, type CampaignLayout } from '../../campaign/features/campaignContract';
import { writeCombinationColumns, writeLeadColumns } from '../../campaign/features/campaignRows';
import type { CampaignData } from '../../campaign/data/campaignFiles';
import type { Dataset } from '../../learners/dataset';
import { TrainingDataError } from '../trainingDataError';

export interface CampaignTrainingSet {
  layout: CampaignLayout;
  train: Dataset;
  validation: Dataset;
  /** Index in the input touches of each training / validation row. */
  trainTouches: Int32Array;
  validationTouches: Int32Array;
  /** Time range of all touches used, ISO. */
  from: string;
  to: string;
}

export function buildTrainingSet(data: CampaignData, validationFraction = 0.2): CampaignTrainingSet {
  if (!(validationFraction > 0 && validationFraction < 1)) throw new RangeError(`validationFraction must be in (0, 1), got ${validationFraction}`);
  const leads = new Map(data.leads.map((l) => [l.leadId, l]));
  const products = new Map(data.campaigns.map((c) => [c.campaignId, c.product]));
  const regions = [...new Set(data.leads.map((l) => l.region))].sort();
  const productList = [...new Set(data.campaigns.map((c) => c.product))].sort();
  if (regions.length === 0 || productList.length === 0) throw new TrainingDataError('training needs leads and campaigns');
  const layout = campaignLayout(buildCampaignContract({ regions, products: productList }));

  const usable: number[] = [];
  data.touches.forEach((t, i) => {
    if (leads.has(t.leadId) && products.has(t.campaignId)) usable.push(i);
  });
  if (usable.length < 10) throw new TrainingDataError(`training needs at least 10 touches of known leads and campaigns; got ${usable.length}`);
  // Stable sort by time: ties keep file order, so the split is reproducible.
  usable.sort((a, b) => data.touches[a].timeMs - data.touches[b].timeMs || a - b);
  const cut = Math.floor(usable.length * (1 - validationFraction));

  const build = (indexes: number[]): Dataset => touchRows(data, indexes, layout);
  const trainIdx = usable.slice(0, cut);
  const validIdx = usable.slice(cut);
  const positives = (idx: number[]) => idx.reduce((n, i) => n + (data.touches[i].converted ? 1 : 0), 0);
  const trainPos = positives(trainIdx);
  if (trainPos === 0 || trainPos === trainIdx.length) throw new TrainingDataError('the training touches must include both converted and not converted ones');
  const validPos = positives(validIdx);
  if (validPos === 0 || validPos === validIdx.length) throw new TrainingDataError('the validation touches (the latest by time) must include both converted and not converted ones');
  return {
    layout,
    train: build(trainIdx),
    validation: build(validIdx),
    trainTouches: Int32Array.from(trainIdx),
    validationTouches: Int32Array.from(validIdx),
    from: new Date(data.touches[usable[0]].timeMs).toISOString(),
    to: new Date(data.touches[usable[usable.length - 1]].timeMs).toISOString(),
  };
}

/**
 * Model rows of the given touches under a layout: the training set's own, or another model's
 * (the promotion gate scores the current model on the new model's validation touches; a region
 * or product that layout does not know gets no one-hot column, as in scoring).
 */
export function touchRows(data: CampaignData, indexes: ArrayLike<number>, layout: CampaignLayout): Dataset {
  const leads = new Map(data.leads.map((l) => [l.leadId, l]));
  const products = new Map(data.campaigns.map((c) => [c.campaignId, c.product]));
  const w = layout.width;
  const features = new Float32Array(indexes.length * w);
  const labels = new Uint8Array(indexes.length);
  for (let r = 0; r < indexes.length; r++) {
    const t = data.touches[indexes[r]];
    writeLeadColumns(layout, features, r * w, leads.get(t.leadId)!, products.get(t.campaignId)!);
    writeCombinationColumns(layout, features, r * w, CHANNELS.indexOf(t.channel), t.day, t.slot);
    labels[r] = t.converted ? 1 : 0;
  }
  return { features, labels, nRows: indexes.length, nFeatures: w, layout: 'row-major', featureNames: layout.columnNames };
}
