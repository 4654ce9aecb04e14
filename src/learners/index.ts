// Public surface of the learners: datasets, binning, the GBDT, random forest and logistic estimators, metrics
// and off-policy estimators (fitting only: ONNX export is in src/onnx, the pipeline in src/training).
export * from './dataset';
export { FeatureBinner, FittedBinner, MISSING_BIN } from './binner';
export type { BinnedMatrix, FeatureBinnerParams } from './binner';
export * from './gradientBoosting';
export * from './logisticRegression';
export * from './randomForest';
export * from './metrics';
export * from './offPolicy';
export { RegressionTree } from './tree';
export { TRAINING_PHASES, TrainingPhaseTimes } from './trainingPhases';
export type { TrainingPhase } from './trainingPhases';
