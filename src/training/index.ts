// Public surface of the training pipeline: one run per model kind (modelKinds.ts) over shared steps.
export { MODEL_KINDS, modelKindOf, type ModelKind } from './modelKinds';
export type { TrainingProgress } from './trainingProgress';
export { TrainingDataError } from './trainingDataError';
// offers: raw archive → validated, registered, gated ONNX model of the ranker
export { runTraining, DEFAULT_GBDT } from './offers/runTraining';
export type { TrainingRunOptions, TrainingRunResult } from './offers/trainingRunOptions';
export type { TrainingRunReport, TrainingStatus } from './offers/trainingRunReport';
export { reportPath, POLICY_VALUE_METRIC } from './offers/registryAccess';
export { formatTrainingSummary, trainingSummaryJson } from './offers/trainingSummary';
// campaign: leads, campaigns, touches → the campaign conversion model
export { runCampaignTraining, type CampaignTrainingOptions, type CampaignTrainingResult } from './campaign/runCampaignTraining';
