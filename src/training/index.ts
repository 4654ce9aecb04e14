// Public surface of the training pipeline: raw archive → validated, registered, gated ONNX model.
export { runTraining, DEFAULT_GBDT } from './runTraining';
export type { TrainingRunOptions, TrainingRunResult, TrainingProgress } from './trainingRunOptions';
export type { TrainingRunReport, TrainingStatus } from './trainingRunReport';
export { TrainingDataError } from './trainingDataError';
export { reportPath, POLICY_VALUE_METRIC } from './registryAccess';
export { formatTrainingSummary, trainingSummaryJson } from './trainingSummary';
