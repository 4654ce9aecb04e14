// The part of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that this
// module writes (onnxModelWriter.ts) and reads (onnxModelReader.ts, decodeTreeEnsemble.ts,
// unwrapZipMap.ts): field numbers per message, and the enums stored in fields. Names follow the
// proto's field names in camelCase, so `ModelProto.graph` is `ModelProto.graph = 7` there.
// Nothing else in src/onnx spells a field number.

export const ModelProto = {
  irVersion: 1,
  producerName: 2,
  producerVersion: 3,
  domain: 4,
  modelVersion: 5,
  docString: 6,
  graph: 7,
  opsetImport: 8,
  metadataProps: 14,
} as const;

export const OperatorSetIdProto = { domain: 1, version: 2 } as const;

/** metadata_props entries. */
export const StringStringEntryProto = { key: 1, value: 2 } as const;

export const GraphProto = {
  node: 1,
  name: 2,
  initializer: 5,
  docString: 10,
  input: 11,
  output: 12,
  valueInfo: 13,
} as const;

export const NodeProto = {
  input: 1,
  output: 2,
  name: 3,
  opType: 4,
  attribute: 5,
  docString: 6,
  domain: 7,
} as const;

export const AttributeProto = {
  name: 1,
  f: 2,
  i: 3,
  s: 4,
  t: 5,
  g: 6,
  floats: 7,
  ints: 8,
  strings: 9,
  tensors: 10,
  graphs: 11,
  docString: 13,
  type: 20,
} as const;

/** AttributeProto.AttributeType: the value of AttributeProto.type. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
} as const;

export const TensorProto = {
  dims: 1,
  dataType: 2,
  floatData: 4,
  int32Data: 5,
  stringData: 6,
  int64Data: 7,
  name: 8,
  rawData: 9,
  doubleData: 10,
  docString: 12,
} as const;

/** TensorProto.DataType: the value of TensorProto.data_type and TypeProto.Tensor.elem_type. */
export const TensorDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  DOUBLE: 11,
} as const;

export const ValueInfoProto = { name: 1, type: 2, docString: 3 } as const;

/** TypeProto: one of its value fields is set. */
export const TypeProto = { tensorType: 1, sequenceType: 4, mapType: 5 } as const;

/** TypeProto.Tensor (TypeProto.tensor_type). */
export const TypeProtoTensor = { elemType: 1, shape: 2 } as const;

/** TypeProto.Sequence (TypeProto.sequence_type). */
export const TypeProtoSequence = { elemType: 1 } as const;

/** TypeProto.Map (TypeProto.map_type): key_type is a TensorDataType. */
export const TypeProtoMap = { keyType: 1, valueType: 2 } as const;

export const TensorShapeProto = { dim: 1 } as const;

/** TensorShapeProto.Dimension: a fixed size (dim_value) or a symbolic one (dim_param). */
export const TensorShapeDimension = { dimValue: 1, dimParam: 2 } as const;
