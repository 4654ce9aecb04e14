// A trained product recommender: sparse neighbour tables, item popularity, cold-start lists and
// (when trained) the learned re-scorer. Everything is indexed by item position in `items`.
import type { ItemStats } from './itemStats';
import type { Neighbours } from './itemSimilarity';

export type RecommendMode = 'all' | 'new';
export const RECOMMEND_MODES: readonly RecommendMode[] = ['all', 'new'];

export interface ProductModelParams {
  /** Half-life of user affinity and popularity decay. */
  halfLifeDays: number;
  /** Neighbours kept per item. */
  neighbours: number;
  /** Weight of a view, a cart add and a purchase. */
  kindWeights: [number, number, number];
  /** Candidates the re-scorer ranks: from SAR, from cosine co-occurrence, from each popularity list. */
  candidates: { sar: number; cos: number; popular: number };
}

export interface ProductModel {
  items: string[];
  /** The time the model's decays and windows are measured to. */
  nowMs: number;
  params: ProductModelParams;
  /** SAR's item similarity (users' co-occurrence, Jaccard). */
  jaccard: Neighbours;
  /** Co-occurrence with cosine normalisation (the re-scorer's second similarity). */
  cosine: Neighbours;
  /** Frequently bought together: co-occurrence in the same basket. */
  together: Neighbours;
  stats: ItemStats;
  /** Decayed most-bought items (cold start). */
  popular: Int32Array;
  /** Most bought in the last window relative to the one before (cold start, trending). */
  trending: Int32Array;
  segmentPopular: Record<string, Int32Array>;
  /** The learned re-scorer per mode, when trained. */
  rescorer?: Record<RecommendMode, Rescorer>;
}

/** Scores candidate rows (row-major, RESCORER_FEATURES wide): higher is better. */
export interface Rescorer {
  margins(features: Float32Array, rows: number): Float64Array;
}

/** What a shopper did, as the scorers read it: their items with decayed affinity. */
export interface UserHistory {
  items: Int32Array;
  affinity: Float32Array;
  /** Baskets the item was bought in; 0 = only viewed or carted. */
  purchases: Int32Array;
  lastMs: Float64Array;
  segment?: string;
}

export const EMPTY_HISTORY: UserHistory = { items: new Int32Array(0), affinity: new Float32Array(0), purchases: new Int32Array(0), lastMs: new Float64Array(0) };

export interface Ranked {
  items: Int32Array;
  scores: Float32Array;
}
