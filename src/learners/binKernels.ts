// Binning's loops as kernels (see kernels.ts for the kernel rules: `(S, ip) => number`,
// self-contained so worker threads can run them from source text): gathering the rows sampled
// for the bin thresholds, choosing each feature's thresholds, and mapping rows to bins. The
// standalone FeatureBinner / FittedBinner (binner.ts) run them on the calling thread; the GBDT's
// fit splits them between its threads (parallelKernels.ts): sampled rows and binned rows by row
// ranges, thresholds by feature ranges. Each feature's thresholds and each row's bins are computed
// the same way whichever thread does it, so the bins do not depend on the thread count.

/** Float32 slots per feature in BinningState.thresholds (a feature has at most 253 thresholds). */
export const THRESHOLD_STRIDE = 256;

/** What the binning kernels read and write. */
export interface BinningState {
  /** Rows of `x`. */
  n: number;
  d: number;
  /** The training features (n×d float32, NaN = missing); row-major unless binning says otherwise. */
  x: Float32Array;
  /** The validation features (row-major or not as x), or empty. */
  validX: Float32Array;
  /** Ascending rows of x sampled for the thresholds, and their values column by column (m×d). */
  sampleRows: Int32Array;
  sampleCols: Float32Array;
  /** Per feature f: nThresholds[f] float32 upper bounds at thresholds[f * THRESHOLD_STRIDE ...]. */
  thresholds: Float32Array;
  nThresholds: Int32Array;
  /** Slot buffer 2 (bins of the training rows in original order) and the validation bins. */
  bins: Uint8Array[];
  validBins: Uint8Array;
}

/**
 * sampleCols[f * m + k] ← x[sampleRows[k], f] for sampled rows k in [ip[1], ip[2]) of m =
 * sampleRows.length; ip[3] = 1 when x is row-major.
 */
export function gatherSampleKernel(S: BinningState, ip: Int32Array): number {
  const rows = S.sampleRows;
  const m = rows.length;
  const d = S.d;
  const x = S.x;
  const out = S.sampleCols;
  const rowStep = ip[3] === 1 ? d : 1;
  const featureStep = ip[3] === 1 ? 1 : S.n;
  for (let k = ip[1]; k < ip[2]; k++) {
    const base = rows[k] * rowStep;
    for (let f = 0, o = k; f < d; f++, o += m) out[o] = x[base + f * featureStep];
  }
  return 0;
}

/**
 * Bin thresholds of features [ip[1], ip[2]) from their sampled values (sampleCols), for at most
 * ip[3] value bins: upper bounds t_0 < … < t_{k-2} (float32) so that bin(x) = first b with
 * x ≤ t_b (else k-1). Thresholds sit between distinct sample values so the tree's "x ≤ t" test on
 * raw float32 features agrees exactly with "bin ≤ b" on binned data. Sorting goes through
 * order-preserving uint32 keys (as Float32Array sort orders, −0 before +0): measured ~2x faster.
 */
export function thresholdsKernel(S: BinningState, ip: Int32Array): number {
  const m = S.sampleRows.length;
  const maxValueBins = ip[3];
  const values = new Float32Array(m);
  const keys = new Uint32Array(values.buffer);
  const between = (a: number, b: number): number => {
    const mid = Math.fround(a + (b - a) / 2);
    return mid >= a && mid < b ? mid : a;
  };
  for (let f = ip[1]; f < ip[2]; f++) {
    const out = f * 256;
    const col = S.sampleCols.subarray(f * m, (f + 1) * m);
    let n = 0;
    for (let i = 0; i < m; i++) {
      const v = col[i];
      if (v === v) values[n++] = v;
    }
    const sorted = values.subarray(0, n);
    const sk = keys.subarray(0, n);
    // Negative floats: flip every bit (reverses their order, below all positives); others: set the sign bit.
    for (let i = 0; i < n; i++) sk[i] = sk[i] & 0x80000000 ? ~sk[i] >>> 0 : (sk[i] | 0x80000000) >>> 0;
    sk.sort();
    for (let i = 0; i < n; i++) sk[i] = sk[i] & 0x80000000 ? (sk[i] & 0x7fffffff) >>> 0 : ~sk[i] >>> 0;
    let nCuts = 0;
    if (n > 0) {
      let nDistinct = 1;
      for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) nDistinct++;
      if (nDistinct <= maxValueBins) {
        for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) S.thresholds[out + nCuts++] = between(sorted[i - 1], sorted[i]);
      } else {
        // Walk runs of equal values, cutting after a run whenever the count so far passes the next quantile.
        let nextTarget = n / maxValueBins;
        for (let i = 0; nCuts < maxValueBins - 1; ) {
          let end = i + 1;
          while (end < n && sorted[end] === sorted[i]) end++;
          if (end === n) break;
          if (end >= nextTarget) {
            S.thresholds[out + nCuts++] = between(sorted[i], sorted[end]);
            // Re-spread the remaining bins over the remaining rows so heavy ties don't waste bins.
            nextTarget = end + (n - end) / (maxValueBins - nCuts);
          }
          i = end;
        }
      }
    }
    S.nThresholds[f] = nCuts;
  }
  return 0;
}

/**
 * Bins rows [ip[1], ip[2]) of x (ip[3] = 0: into bins[2]) or of validX (ip[3] = 1: into
 * validBins): row i's feature f goes to out[i * ip[4] + f * ip[5]]; the source is row-major when
 * ip[6] = 1, else column-major with ip[7] rows. bin(v) = first b with v ≤ t[b] (else the number
 * of thresholds), 255 for NaN, found through a uniform grid over [t[0], t[last]] that gives a
 * starting bin corrected by short scans, so it is exact whatever the rounding.
 */
export function binRowsKernel(S: BinningState, ip: Int32Array): number {
  const d = S.d;
  const valid = ip[3] === 1;
  const x = valid ? S.validX : S.x;
  const out = valid ? S.validBins : S.bins[2];
  const rowOut = ip[4];
  const featureOut = ip[5];
  const rowIn = ip[6] === 1 ? d : 1;
  const featureIn = ip[6] === 1 ? 1 : ip[7];
  const th = S.thresholds;
  const search = (o: number, len: number, v: number): number => {
    let lo = 0;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= th[o + mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  // Each feature's grid: `cells` cells over [lo, lo + cells / scale], the first bin of each.
  const starts: Int32Array[] = [];
  const los = new Float64Array(d);
  const scales = new Float64Array(d);
  const cellCounts = new Int32Array(d);
  for (let f = 0; f < d; f++) {
    const len = S.nThresholds[f];
    const o = f * 256;
    const cells = Math.max(1, len * 8);
    const lo = len > 0 ? th[o] : 0;
    const span = len > 1 ? th[o + len - 1] - lo : 0;
    const scale = span > 0 && Number.isFinite(span) ? cells / span : 0;
    const start = new Int32Array(cells + 1);
    for (let c = 0; c <= cells; c++) start[c] = scale > 0 ? search(o, len, lo + c / scale) : 0;
    starts.push(start);
    los[f] = lo;
    scales[f] = scale;
    cellCounts[f] = cells;
  }
  // Blocks of rows: reading a row-major source column by column is memory-bound, and writing
  // column streams row by row thrashes the TLB, so each block is read into cache once.
  for (let i0 = ip[1]; i0 < ip[2]; i0 += 1024) {
    const i1 = Math.min(ip[2], i0 + 1024);
    for (let f = 0; f < d; f++) {
      const len = S.nThresholds[f];
      const o = f * 256;
      const start = starts[f];
      const lo = los[f];
      const scale = scales[f];
      const cells = cellCounts[f];
      const first = len > 0 ? th[o] : 0;
      const last = len > 0 ? th[o + len - 1] : 0;
      for (let i = i0; i < i1; i++) {
        const v = x[i * rowIn + f * featureIn];
        let b: number;
        if (v !== v) b = 255;
        else if (len === 0 || v <= first) b = 0;
        else if (v > last) b = len;
        else if (scale === 0) b = search(o, len, v);
        else {
          let c = Math.floor((v - lo) * scale);
          if (c > cells) c = cells;
          b = start[c];
          while (b < len && v > th[o + b]) b++;
          while (b > 0 && v <= th[o + b - 1]) b--;
        }
        out[i * rowOut + f * featureOut] = b;
      }
    }
  }
  return 0;
}
