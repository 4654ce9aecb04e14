// Personalizer features are arrays of (nested) JSON objects; the contract addresses a value by a
// dotted path ("device.type", "embedding.3"). Later objects win when two give the same path.

export type FeatureValue = string | number | boolean;
export type FeatureMap = Map<string, FeatureValue>;

const MAX_DEPTH = 8;

function walk(value: unknown, path: string, out: FeatureMap, depth: number): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string' || typeof value === 'boolean') {
    out.set(path, value);
  } else if (typeof value === 'number') {
    if (Number.isFinite(value)) out.set(path, value);
  } else if (depth < MAX_DEPTH && Array.isArray(value)) {
    value.forEach((item, i) => walk(item, path === '' ? String(i) : `${path}.${i}`, out, depth + 1));
  } else if (depth < MAX_DEPTH && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, path === '' ? k : `${path}.${k}`, out, depth + 1);
  }
}

export function flattenFeatures(objects: readonly unknown[] | undefined): FeatureMap {
  const out: FeatureMap = new Map();
  if (objects) for (const o of objects) walk(o, '', out, 0);
  return out;
}
