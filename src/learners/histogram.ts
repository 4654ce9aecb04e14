// Gradient/hessian/count histograms per (feature, bin), laid out [(f*256 + bin)*3 + {0:g, 1:h, 2:count}],
// built by histogramKernel (kernels.ts) from ROW-major bins (binned there by binRowsKernel): each
// row's d bins share a cache line and the d updates per row are independent, which measured ~1.5x
// faster in V8 than per-feature column scans. splitKernel searches them (and subtracts them).

/** Bytes per row of the row-major bins: d rounded up to a multiple of 4, so a row also moves as Int32 words. */
export function rowStride(d: number): number {
  return Math.ceil(d / 4) * 4;
}
