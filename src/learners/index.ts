// Public surface of the training core.
export * from './dataset';
export { FeatureBinner, FittedBinner, MISSING_BIN } from './binner';
export type { BinnedMatrix, FeatureBinnerParams } from './binner';
export * from './gradientBoosting';
export * from './logisticRegression';
export * from './metrics';
export * from './offPolicy';
export { RegressionTree } from './tree';
export * from './trainBinaryModel';
