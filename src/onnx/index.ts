// The ONNX format, one module: write a model (onnxModelWriter on protobufWriter), read one back
// (onnxModelReader on protobufReader), both by the field numbers of onnxSchema; export the
// fitted GBDT, random forest and logistic regression; decode an exported tree ensemble for the TypeScript
// scorer; unwrap ZipMap outputs; run and verify a model in onnxruntime-node.
// Code outside src/onnx imports from here; files inside import each other directly.

// onnx.proto
export {
  AttributeProto, AttributeType, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto,
  TensorDataType, TensorProto, TensorShapeDimension, TensorShapeProto, TypeProto, TypeProtoMap, TypeProtoSequence,
  TypeProtoTensor, ValueInfoProto,
} from './onnxSchema';

// Writing and reading
export { encodeOnnxModel, attr } from './onnxModelWriter';
export type { OnnxModelSpec, OnnxGraphSpec, OnnxNode, OnnxAttribute, OnnxFloatTensor, OnnxValueInfo } from './onnxModelWriter';
export { ProtoWriter, lengthDelimited, varintField } from './protobufWriter';
export { ProtobufError, readFields, repeatedFloats, repeatedInts, text } from './protobufReader';
export type { RawField } from './protobufReader';
export { attributeValue, attributesByName, messagesOf, readAttribute, readNode, stringOf, stringsOf, valueInfoName } from './onnxModelReader';
export type { OnnxAttributeFields, OnnxNodeFields } from './onnxModelReader';

// Exporters
export { exportGradientBoostingToOnnx, treeEnsembleRegressorNode } from './exportGradientBoosting';
export { exportLogisticRegressionToOnnx } from './exportLogisticRegression';
export { exportRandomForestToOnnx } from './exportRandomForest';
export type { ExportOptions } from './exportOptions';

// Tree ensembles
export { LEAF, TreeEnsemble, treeEnsembleOfFitted } from './treeEnsemble';
export type { TreeEnsembleArrays } from './treeEnsemble';
export { decodeTreeEnsemble, TreeDecodeError } from './decodeTreeEnsemble';

// Graph rewriting
export { unwrapZipMap } from './unwrapZipMap';
export type { UnwrapResult, UnwrappedZipMap } from './unwrapZipMap';

// onnxruntime
export { verifyOnnx, createOnnxSession, runOnnxProbability } from './verifyOnnx';
export type { OnnxParity, ProbabilisticModel } from './verifyOnnx';
