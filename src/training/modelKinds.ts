// The kinds of model the training pipeline produces, each with its own run over the shared
// steps (trainBinaryModel: fit → ONNX → parity; version names; registry; report):
//   offers   — the offer ranker: decisions and rewards from the archive (runTraining)
//   campaign — the campaign conversion model: leads, campaigns and touches (runCampaignTraining)
//   products — the product recommender: the archive's product events (runProductTraining)
export const MODEL_KINDS = ['offers', 'campaign', 'products'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** The kind a `--model` value asks for: 'campaign', 'products', else the offers pipeline (a registry name trains it under that name). */
export function modelKindOf(model: string): ModelKind {
  return model === 'campaign' ? 'campaign' : model === 'products' ? 'products' : 'offers';
}
