// Stable partition of a slot range, moving each slot's bins (as Int32 words), gradient pair and row id.

/**
 * Partitions slots [start, end) by "bin ≤ threshold" (MISSING bin 255 follows missingLeft): left
 * slots are compacted in place to [start, start+nLeft); right slots are written, in order, to the
 * tmp arrays at the same slot offsets [start, start+nRight). Returns nLeft.
 * Self-contained (no outer references) because worker threads receive it as source text.
 */
export function partitionSlots(
  bins: Uint8Array,
  stride: number,
  work: Int32Array,
  gh: Float64Array,
  rows: Int32Array,
  tmp: Int32Array,
  tmpGh: Float64Array,
  tmpRows: Int32Array,
  start: number,
  end: number,
  f: number,
  threshold: number,
  missingLeft: boolean,
): number {
  const w = stride >> 2;
  let l = start;
  let k = start;
  for (let j = start; j < end; j++) {
    const b = bins[j * stride + f];
    if (b === 255 ? missingLeft : b <= threshold) {
      if (l !== j) {
        for (let q = 0, a = j * w, c = l * w; q < w; q++) work[c + q] = work[a + q];
        gh[2 * l] = gh[2 * j];
        gh[2 * l + 1] = gh[2 * j + 1];
        rows[l] = rows[j];
      }
      l++;
    } else {
      for (let q = 0, a = j * w, c = k * w; q < w; q++) tmp[c + q] = work[a + q];
      tmpGh[2 * k] = gh[2 * j];
      tmpGh[2 * k + 1] = gh[2 * j + 1];
      tmpRows[k] = rows[j];
      k++;
    }
  }
  return l - start;
}

/** Slot-ordered training state shared by the histogram and partition kernels. */
export interface SlotBuffers {
  /** Row-major bins in slot order: bins[j*stride + f]; stride is a multiple of 4. */
  bins: Uint8Array;
  /** The same memory as Int32 words (stride/4 per slot). */
  work: Int32Array;
  stride: number;
  nFeatures: number;
  /** Gradient and hessian per slot, interleaved. */
  gh: Float64Array;
  /** Original row id per slot. */
  rows: Int32Array;
  tmp: Int32Array;
  tmpGh: Float64Array;
  tmpRows: Int32Array;
}

/**
 * Joins the pieces of a partition done in parts: part p covered [bounds[p], bounds[p+1]) and left
 * nLeft[p] slots at its front and its right slots in tmp at its own offset.
 */
export function mergePartitionParts(b: SlotBuffers, bounds: number[], nLeft: number[]): number {
  const w = b.stride >> 2;
  const start = bounds[0];
  let l = start;
  for (let p = 0; p < nLeft.length; p++) {
    const from = bounds[p];
    const cnt = nLeft[p];
    if (from !== l && cnt > 0) {
      b.work.copyWithin(l * w, from * w, (from + cnt) * w);
      b.gh.copyWithin(2 * l, 2 * from, 2 * (from + cnt));
      b.rows.copyWithin(l, from, from + cnt);
    }
    l += cnt;
  }
  let r = l;
  for (let p = 0; p < nLeft.length; p++) {
    const from = bounds[p];
    const cnt = bounds[p + 1] - bounds[p] - nLeft[p];
    if (cnt > 0) {
      b.work.set(b.tmp.subarray(from * w, (from + cnt) * w), r * w);
      b.gh.set(b.tmpGh.subarray(2 * from, 2 * (from + cnt)), 2 * r);
      b.rows.set(b.tmpRows.subarray(from, from + cnt), r);
    }
    r += cnt;
  }
  return l - start;
}
