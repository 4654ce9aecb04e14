// The schema round trip: a small model written by onnxModelWriter is read back field by field by
// onnxSchema's names (protobufReader + onnxModelReader), and onnxruntime, which knows onnx.proto
// on its own, runs it. A wrong or duplicated field number in the schema fails one or the other.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import * as schema from '../../src/onnx/onnxSchema';
import {
  AttributeProto, AttributeType, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto, TensorDataType,
  TensorProto, TensorShapeDimension, TensorShapeProto, TypeProto, TypeProtoTensor, ValueInfoProto,
} from '../../src/onnx/onnxSchema';
import { attr, encodeOnnxModel } from '../../src/onnx/onnxModelWriter';
import { attributesByName, attributeValue, messagesOf, readNode, stringOf, stringsOf, valueInfoName } from '../../src/onnx/onnxModelReader';
import { readFields, repeatedInts, type RawField } from '../../src/onnx/protobufReader';

/** y = Add(x, bias) → Identity, with one attribute of every type the writer knows on a custom-domain node. */
function smallModel(): Uint8Array {
  return encodeOnnxModel({
    graph: {
      name: 'schema_round_trip',
      nodes: [
        { opType: 'Add', name: 'add_bias', inputs: ['x', 'bias'], outputs: ['sum'] },
        { opType: 'Identity', name: 'out', inputs: ['sum'], outputs: ['y'] },
      ],
      initializers: [{ name: 'bias', dims: [3], data: new Float32Array([0.5, -1, 2]) }],
      inputs: [{ name: 'x', elemType: TensorDataType.FLOAT, shape: ['N', 3] }],
      outputs: [{ name: 'y', elemType: TensorDataType.FLOAT, shape: ['N', 3] }],
    },
    opsets: [{ domain: '', version: 17 }],
    producerName: 'schema-test',
    producerVersion: '1.2.3',
    docString: 'round trip',
    metadata: { a: '1', b: 'two' },
  });
}

const only = (fields: RawField[], field: number): RawField => {
  const found = fields.filter((f) => f.field === field);
  expect(found, `field ${field}`).toHaveLength(1);
  return found[0];
};
const message = (fields: RawField[], field: number): RawField[] => readFields(only(fields, field).bytes as Uint8Array);

describe('onnxSchema: what the writer writes, the reader reads by the same names', () => {
  const bytes = smallModel();
  const model = readFields(bytes);

  it('ModelProto, OperatorSetIdProto and metadata_props', () => {
    expect(only(model, ModelProto.irVersion).varint).toBe(8n);
    expect(stringOf(model, ModelProto.producerName)).toBe('schema-test');
    expect(stringOf(model, ModelProto.producerVersion)).toBe('1.2.3');
    expect(stringOf(model, ModelProto.docString)).toBe('round trip');
    const opset = message(model, ModelProto.opsetImport);
    expect(stringOf(opset, OperatorSetIdProto.domain)).toBe('');
    expect(only(opset, OperatorSetIdProto.version).varint).toBe(17n);
    const metadata = messagesOf(model, ModelProto.metadataProps).map((m) => {
      const entry = readFields(m);
      return [stringOf(entry, StringStringEntryProto.key), stringOf(entry, StringStringEntryProto.value)];
    });
    expect(metadata).toEqual([['a', '1'], ['b', 'two']]);
  });

  it('GraphProto, NodeProto, TensorProto, ValueInfoProto → TypeProto → TensorShapeProto', () => {
    const graph = message(model, ModelProto.graph);
    expect(stringOf(graph, GraphProto.name)).toBe('schema_round_trip');
    const nodes = messagesOf(graph, GraphProto.node).map(readNode);
    expect(nodes.map((n) => [n.opType, n.inputs, n.outputs])).toEqual([['Add', ['x', 'bias'], ['sum']], ['Identity', ['sum'], ['y']]]);
    expect(stringsOf(readFields(messagesOf(graph, GraphProto.node)[0]), NodeProto.name)).toEqual(['add_bias']);

    const tensor = message(graph, GraphProto.initializer);
    expect(stringOf(tensor, TensorProto.name)).toBe('bias');
    expect(repeatedInts(tensor, TensorProto.dims)).toEqual([3n]);
    expect(only(tensor, TensorProto.dataType).varint).toBe(BigInt(TensorDataType.FLOAT));
    expect(Array.from(new Float32Array(Uint8Array.from(only(tensor, TensorProto.rawData).bytes as Uint8Array).buffer))).toEqual([0.5, -1, 2]);

    for (const [field, name] of [[GraphProto.input, 'x'], [GraphProto.output, 'y']] as const) {
      const info = messagesOf(graph, field);
      expect(info.map(valueInfoName)).toEqual([name]);
      const tensorType = message(message(readFields(info[0]), ValueInfoProto.type), TypeProto.tensorType);
      expect(only(tensorType, TypeProtoTensor.elemType).varint).toBe(BigInt(TensorDataType.FLOAT));
      const dims = messagesOf(message(tensorType, TypeProtoTensor.shape), TensorShapeProto.dim).map(readFields);
      expect(dims.map((d) => stringOf(d, TensorShapeDimension.dimParam))).toEqual(['N', '']);
      expect(dims.map((d) => d.find((f) => f.field === TensorShapeDimension.dimValue)?.varint)).toEqual([undefined, 3n]);
    }
  });

  it('AttributeProto: every value type with its AttributeType', () => {
    const node = readFields(
      encodeOnnxModel({
        graph: {
          name: 'g',
          nodes: [{
            opType: 'Custom', domain: 'test.domain', name: 'n', inputs: ['x'], outputs: ['y'],
            attributes: [
              attr.float('f', 0.25), attr.int('i', -3), attr.string('s', 'text'),
              attr.floats('fs', [1.5, -2]), attr.ints('is', [7, -1, 300]), attr.strings('ss', ['a', 'b']),
            ],
          }],
          inputs: [],
          outputs: [],
        },
        opsets: [],
      }),
    );
    const nodeBytes = messagesOf(message(node, ModelProto.graph), GraphProto.node);
    const decoded = readNode(nodeBytes[0]);
    expect(decoded.domain).toBe('test.domain');
    const attrs = attributesByName(decoded);
    expect([...attrs.keys()]).toEqual(['f', 'i', 's', 'fs', 'is', 'ss']);
    const type = (name: string) => Number(only(attrs.get(name) as RawField[], AttributeProto.type).varint);
    expect(['f', 'i', 's', 'fs', 'is', 'ss'].map(type)).toEqual([
      AttributeType.FLOAT, AttributeType.INT, AttributeType.STRING, AttributeType.FLOATS, AttributeType.INTS, AttributeType.STRINGS,
    ]);
    const f = attrs.get('f') as RawField[];
    expect(Buffer.from(only(f, AttributeProto.f).raw).readFloatLE(1)).toBe(0.25);
    expect(attributeValue.int(attrs.get('i') as RawField[])).toBe(-3);
    expect(attributeValue.string(attrs.get('s') as RawField[])).toBe('text');
    expect(attributeValue.floats(attrs.get('fs') as RawField[])).toEqual([1.5, -2]);
    expect(attributeValue.ints(attrs.get('is') as RawField[])).toEqual([7, -1, 300]);
    expect(attributeValue.strings(attrs.get('ss') as RawField[])).toEqual(['a', 'b']);
  });

  it('onnxruntime reads the same bytes as the model they describe', async () => {
    const session = await ort.InferenceSession.create(bytes);
    try {
      expect(session.inputNames).toEqual(['x']);
      expect(session.outputNames).toEqual(['y']);
      const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]) });
      expect(Array.from(out.y.data as Float32Array)).toEqual([1.5, 1, 5, 4.5, 4, 8]);
    } finally {
      await session.release();
    }
  });

  it('names no field number twice within a message', () => {
    for (const [message, fields] of Object.entries(schema)) {
      const numbers = Object.values(fields as Record<string, number>);
      expect(new Set(numbers).size, message).toBe(numbers.length);
    }
  });
});
