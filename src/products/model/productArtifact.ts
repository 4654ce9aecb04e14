// The product model as one registry artifact (`model.bin`): a JSON header (item ids, shopper
// ids, parameters, cold-start lists, section table) followed by the typed arrays (neighbour
// tables, item statistics, the training shoppers' histories, the re-scorer's flat trees), each
// 8-byte aligned so loading is a handful of typed-array views. The re-scorer's trees are the
// arrays of ONNX's TreeEnsembleRegressor (src/onnx/treeEnsemble.ts) and carry a probe row: a
// loaded artifact must score it as the trainer did, or it is refused.
import { treeEnsembleOfFitted, TreeEnsemble } from '../../onnx/treeEnsemble';
import type { ProductModel, ProductModelParams, RecommendMode, Rescorer, UserHistory } from '../../recommendations/productModel';
import type { Neighbours } from '../../recommendations/itemSimilarity';
import type { ItemStats } from '../../recommendations/itemStats';
import { N_FEATURES } from '../../recommendations/scorers';
import type { TrainedProducts } from '../../recommendations/trainProductModel';

export const ARTIFACT_MAGIC = 'PRM1';
export const ARTIFACT_FORMAT_VERSION = 1;

export class ProductArtifactError extends Error {}

type ArrayKind = 'i32' | 'f32' | 'f64' | 'u8';
type TypedArray = Int32Array | Float32Array | Float64Array | Uint8Array;
const CTOR = { i32: Int32Array, f32: Float32Array, f64: Float64Array, u8: Uint8Array } as const;
const kindOf = (a: TypedArray): ArrayKind => (a instanceof Int32Array ? 'i32' : a instanceof Float32Array ? 'f32' : a instanceof Float64Array ? 'f64' : 'u8');

interface Header {
  format: 'product-model';
  formatVersion: number;
  items: string[];
  users: string[];
  segments: string[];
  nowMs: number;
  params: ProductModelParams;
  segmentPopular: Record<string, number[]>;
  rescorer?: Partial<Record<RecommendMode, { baseScore: number; probe: { row: number[]; margin: number } }>>;
  sections: { name: string; kind: ArrayKind; length: number }[];
}

/** The model plus the training shoppers' histories: everything serving needs, from memory. */
export interface ServedProducts {
  model: ProductModel;
  itemIndex: Map<string, number>;
  userIndex: Map<string, number>;
  userIds: string[];
  userStart: Int32Array;
  userItems: Int32Array;
  userAffinity: Float32Array;
  userPurchases: Int32Array;
  userLastMs: Float64Array;
  userSegment: Int32Array;
  segments: string[];
}

const TREE_FIELDS = ['roots', 'feature', 'threshold', 'trueNode', 'falseNode', 'missingTrue', 'value'] as const;
const STAT_FIELDS = ['buyers', 'decayed', 'recent', 'previous', 'repeatRate', 'recentNewBuyers', 'firstMs', 'lastMs'] as const;

export function encodeProductArtifact(trained: TrainedProducts, userSegments: readonly (string | undefined)[]): Buffer {
  const m = trained.model;
  const sections: [string, TypedArray][] = [];
  const table = (name: string, t: Neighbours) => sections.push([`${name}.start`, t.start], [`${name}.item`, t.item], [`${name}.score`, t.score]);
  table('jaccard', m.jaccard);
  table('cosine', m.cosine);
  table('together', m.together);
  for (const f of STAT_FIELDS) sections.push([`stats.${f}`, m.stats[f]]);
  sections.push(['popular', m.popular], ['trending', m.trending]);
  const u = trained.users;
  sections.push(['users.start', u.userStart], ['users.items', u.items], ['users.affinity', u.affinity], ['users.purchases', u.purchases], ['users.lastMs', u.lastMs]);
  const segments = [...new Set(userSegments.filter((s): s is string => s !== undefined))].sort();
  const segIndex = new Map(segments.map((s, i) => [s, i]));
  sections.push(['users.segment', Int32Array.from(trained.userIds.map((_, i) => segIndex.get(userSegments[i] as string) ?? -1))]);
  const header: Header = {
    format: 'product-model', formatVersion: ARTIFACT_FORMAT_VERSION, items: m.items, users: trained.userIds, segments, nowMs: m.nowMs, params: m.params,
    segmentPopular: Object.fromEntries(Object.entries(m.segmentPopular).map(([k, v]) => [k, Array.from(v)])), sections: [],
  };
  if (trained.fitted) {
    header.rescorer = {};
    for (const mode of ['all', 'new'] as const) {
      const fitted = trained.fitted[mode];
      const trees = treeEnsembleOfFitted(fitted);
      for (const f of TREE_FIELDS) sections.push([`rescorer.${mode}.${f}`, trees[f]]);
      const row = Array.from({ length: N_FEATURES }, (_, i) => (i % 3 === 0 ? 0.5 * i : i % 3 === 1 ? Math.log1p(i) : 0));
      header.rescorer[mode] = { baseScore: trees.baseScore, probe: { row, margin: trees.margin(Float32Array.from(row), 0) } };
    }
  }
  header.sections = sections.map(([name, a]) => ({ name, kind: kindOf(a), length: a.length }));
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad8 = (n: number) => (n + 7) & ~7;
  let size = pad8(8 + json.length);
  for (const [, a] of sections) size += pad8(a.byteLength);
  const out = Buffer.alloc(size);
  out.write(ARTIFACT_MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, 4);
  json.copy(out, 8);
  let offset = pad8(8 + json.length);
  for (const [, a] of sections) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, offset);
    offset += pad8(a.byteLength);
  }
  return out;
}

export function decodeProductArtifact(bytes: Uint8Array): ServedProducts {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== ARTIFACT_MAGIC) throw new ProductArtifactError('model.bin: not a product model (bad magic)');
  const jsonLength = buf.readUInt32LE(4);
  if (8 + jsonLength > buf.length) throw new ProductArtifactError('model.bin: truncated header');
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', 8, 8 + jsonLength)) as Header;
  } catch {
    throw new ProductArtifactError('model.bin: the header is not JSON');
  }
  if (header.format !== 'product-model' || header.formatVersion !== ARTIFACT_FORMAT_VERSION) throw new ProductArtifactError(`model.bin: format ${header.format} v${header.formatVersion} is not product-model v${ARTIFACT_FORMAT_VERSION}`);
  const pad8 = (n: number) => (n + 7) & ~7;
  // One aligned copy, so every section is a view.
  const aligned = new ArrayBuffer(buf.length);
  new Uint8Array(aligned).set(buf);
  let offset = pad8(8 + jsonLength);
  const arrays = new Map<string, TypedArray>();
  for (const s of header.sections) {
    const ctor = CTOR[s.kind];
    if (!ctor) throw new ProductArtifactError(`model.bin: section ${s.name} has unknown kind ${s.kind}`);
    const bytesLen = s.length * ctor.BYTES_PER_ELEMENT;
    if (offset + bytesLen > buf.length) throw new ProductArtifactError(`model.bin: section ${s.name} runs past the end`);
    arrays.set(s.name, new ctor(aligned, offset, s.length));
    offset += pad8(bytesLen);
  }
  const get = <T extends TypedArray>(name: string): T => {
    const a = arrays.get(name);
    if (!a) throw new ProductArtifactError(`model.bin: section ${name} is missing`);
    return a as T;
  };
  const nItems = header.items.length;
  const table = (name: string): Neighbours => {
    const t = { start: get<Int32Array>(`${name}.start`), item: get<Int32Array>(`${name}.item`), score: get<Float32Array>(`${name}.score`) };
    if (t.start.length !== nItems + 1 || t.item.some((i) => i < 0 || i >= nItems)) throw new ProductArtifactError(`model.bin: ${name} does not fit ${nItems} items`);
    return t;
  };
  const stats = Object.fromEntries(STAT_FIELDS.map((f) => [f, get(`stats.${f}`)])) as unknown as ItemStats;
  const model: ProductModel = {
    items: header.items, nowMs: header.nowMs, params: header.params,
    jaccard: table('jaccard'), cosine: table('cosine'), together: table('together'), stats,
    popular: get<Int32Array>('popular'), trending: get<Int32Array>('trending'),
    segmentPopular: Object.fromEntries(Object.entries(header.segmentPopular).map(([k, v]) => [k, Int32Array.from(v)])),
  };
  if (header.rescorer) {
    const rescorer = {} as Record<RecommendMode, Rescorer>;
    for (const mode of ['all', 'new'] as const) {
      const info = header.rescorer[mode];
      if (!info) throw new ProductArtifactError(`model.bin: the re-scorer for mode ${mode} is missing`);
      const trees = new TreeEnsemble({
        roots: get(`rescorer.${mode}.roots`), feature: get(`rescorer.${mode}.feature`), threshold: get(`rescorer.${mode}.threshold`),
        trueNode: get(`rescorer.${mode}.trueNode`), falseNode: get(`rescorer.${mode}.falseNode`), missingTrue: get(`rescorer.${mode}.missingTrue`),
        value: get(`rescorer.${mode}.value`), baseScore: info.baseScore, nFeatures: N_FEATURES,
      });
      const got = trees.margin(Float32Array.from(info.probe.row), 0);
      if (!(Math.abs(got - info.probe.margin) <= 1e-9 * Math.max(1, Math.abs(info.probe.margin)))) {
        throw new ProductArtifactError(`model.bin: the ${mode} re-scorer scores its probe ${got}, the trainer ${info.probe.margin}`);
      }
      rescorer[mode] = { margins: (features, rows) => marginsByTree(trees, features, rows) };
    }
    model.rescorer = rescorer;
  }
  return {
    model,
    itemIndex: new Map(header.items.map((id, i) => [id, i])),
    userIndex: new Map(header.users.map((id, i) => [id, i])),
    userIds: header.users,
    userStart: get('users.start'), userItems: get('users.items'), userAffinity: get('users.affinity'), userPurchases: get('users.purchases'), userLastMs: get('users.lastMs'),
    userSegment: get('users.segment'), segments: header.segments,
  };
}

/**
 * Margins of `rows` row-major rows, tree by tree (one tree's nodes stay in cache while every row
 * walks it): the same sums as TreeEnsemble.margin, added in the same tree order.
 */
export function marginsByTree(trees: TreeEnsemble, features: Float32Array, rows: number): Float64Array {
  const out = new Float64Array(rows).fill(trees.baseScore);
  const { roots, feature, threshold, trueNode, falseNode, missingTrue, value } = trees;
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t];
    for (let r = 0, offset = 0; r < rows; r++, offset += N_FEATURES) {
      let node = root;
      let f = feature[node];
      while (f !== -1) {
        const v = features[offset + f];
        node = v <= threshold[node] || (v !== v && missingTrue[node] === 1) ? trueNode[node] : falseNode[node];
        f = feature[node];
      }
      out[r] += value[node];
    }
  }
  return out;
}

/** A known shopper's training history (decayed to the model's time), or undefined. */
export function servedHistory(s: ServedProducts, userKey: string): UserHistory | undefined {
  const u = s.userIndex.get(userKey);
  if (u === undefined) return undefined;
  const a = s.userStart[u];
  const b = s.userStart[u + 1];
  const seg = s.userSegment[u];
  return {
    items: s.userItems.subarray(a, b), affinity: s.userAffinity.subarray(a, b), purchases: s.userPurchases.subarray(a, b), lastMs: s.userLastMs.subarray(a, b),
    ...(seg >= 0 ? { segment: s.segments[seg] } : {}),
  };
}
