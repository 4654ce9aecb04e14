// ONNX export of the trained models and parity checking with onnxruntime-node.
export { exportGradientBoostingToOnnx } from './exportGradientBoosting';
export { exportLogisticRegressionToOnnx } from './exportLogisticRegression';
export type { ExportOptions } from './exportOptions';
export { encodeOnnxModel, attr } from './onnxModel';
export type { OnnxModelSpec, OnnxGraphSpec, OnnxNode, OnnxAttribute } from './onnxModel';
export { verifyOnnx, createOnnxSession, runOnnxProbability } from './verifyOnnx';
export type { OnnxParity, ProbabilisticModel } from './verifyOnnx';
