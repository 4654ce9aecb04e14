// Logistic regression → ONNX: Sub/Mul standardise, Where(IsNaN) imputes the mean (0 after
// standardising), MatMul + Add give the margin, Sigmoid the probability.
import type { FittedLogisticRegression } from '../learners/logisticRegression';
import { encodeOnnxModel } from './onnxModelWriter';
import { TensorDataType } from './onnxSchema';
import { ExportOptions, buildMetadata } from './exportOptions';

export function exportLogisticRegressionToOnnx(model: FittedLogisticRegression, options: ExportOptions = {}): Uint8Array {
  const d = model.nFeatures;
  return encodeOnnxModel({
    graph: {
      name: 'logistic_regression',
      nodes: [
        { opType: 'IsNaN', name: 'missing_mask', inputs: ['features'], outputs: ['is_missing'] },
        { opType: 'Sub', name: 'center', inputs: ['features', 'mean'], outputs: ['centered'] },
        { opType: 'Mul', name: 'scale', inputs: ['centered', 'inv_std'], outputs: ['standardized'] },
        { opType: 'Where', name: 'impute', inputs: ['is_missing', 'zero', 'standardized'], outputs: ['imputed'] },
        { opType: 'MatMul', name: 'dot', inputs: ['imputed', 'coefficients'], outputs: ['dot_out'] },
        { opType: 'Add', name: 'bias', inputs: ['dot_out', 'intercept'], outputs: ['margin'] },
        { opType: 'Sigmoid', name: 'probability_sigmoid', inputs: ['margin'], outputs: ['probability'] },
      ],
      initializers: [
        { name: 'mean', dims: [d], data: model.mean },
        { name: 'inv_std', dims: [d], data: model.invStd },
        { name: 'zero', dims: [], data: new Float32Array([0]) },
        { name: 'coefficients', dims: [d, 1], data: model.coefficients },
        { name: 'intercept', dims: [1], data: new Float32Array([model.intercept]) },
      ],
      inputs: [{ name: 'features', elemType: TensorDataType.FLOAT, shape: ['N', d] }],
      outputs: [{ name: 'probability', elemType: TensorDataType.FLOAT, shape: ['N', 1] }],
    },
    opsets: [{ domain: '', version: options.opsetVersion ?? 17 }],
    docString: 'Logistic regression on standardised features, NaN imputed with the training mean',
    metadata: buildMetadata('logistic-regression', model.featureNames, options.metadata, {}),
  });
}
