// Options and metadata shared by the ONNX exporters.

export interface ExportOptions {
  /** Extra metadata_props key/values (e.g. model version, training window). */
  metadata?: Record<string, string>;
  /** Default-domain opset. Default 17. */
  opsetVersion?: number;
}

export function buildMetadata(
  modelType: string,
  featureNames: readonly string[],
  extra: Record<string, string> | undefined,
  own: Record<string, string>,
): Record<string, string> {
  const meta: Record<string, string> = {
    model_type: modelType,
    feature_names: JSON.stringify(featureNames),
    n_features: String(featureNames.length),
    input_name: 'features',
    output_name: 'probability',
    ...own,
  };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (typeof v !== 'string') throw new TypeError(`ONNX metadata value for "${k}" must be a string`);
    meta[k] = v;
  }
  return meta;
}
