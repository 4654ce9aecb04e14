// Gradient/hessian/count histograms per (feature, bin), laid out [(f*256 + bin)*3 + {0:g, 1:h, 2:count}],
// built by histogramKernel (kernels.ts) from ROW-major bins (binned there by binRowsKernel): each row's d bins share a cache line
// and the d updates per row are independent, which measured ~1.5x faster in V8 than per-feature
// column scans.
import { BIN_STRIDE } from './binner';

export const HIST_FIELDS = 3;
const SPAN = BIN_STRIDE * HIST_FIELDS;

export function rowStride(d: number): number {
  return Math.ceil(d / 4) * 4;
}

/** parent ← parent − child for the given features (parent becomes the sibling's histogram). */
export function subtractHistogram(parent: Float64Array, child: Float64Array, features: Int32Array): void {
  for (let k = 0; k < features.length; k++) {
    const base = features[k] * SPAN;
    for (let o = base; o < base + SPAN; o++) parent[o] -= child[o];
  }
}
