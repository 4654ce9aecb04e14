// The trainer's hot loops, each over one part of its work (a range of rows or slots, or a share of
// the features), so that the same function runs on the calling thread and on worker threads.
//
// Every kernel is `(S, ip, fp) => number`: S holds the training state (typed arrays, shared
// between threads when workers are used), ip / fp are its integer / float parameters. Kernels are
// SELF-CONTAINED (no outer references: literals instead of imported constants, no helpers),
// because worker threads receive them as source text via Function.prototype.toString; that keeps
// the worker independent of where the compiled files live (dist/, or TS sources under vitest).
//
// Layout reminders: the training bins are kept twice, row-major (`stride` bytes a row, a multiple
// of 4, so a row is also `w = stride/4` Int32 words) for histograms, and column-major for the one
// byte a partition tests; a histogram is [(f*256 + bin)*3 + {0: g, 1: h, 2: count}]; bin 255 is
// the missing bin. A node is a range of a row-id list: nodes only ever move their 4-byte row ids
// (as XGBoost does) and read bins and gradients through them. Moving whole rows to keep histogram
// reads sequential measured slower: that is 60 bytes read and written per row and tree level, and
// the copies ran at the machine's memory bandwidth.

/** The arrays every kernel may use; built once per fit (see parallelKernels.ts). */
export interface KernelState {
  n: number;
  d: number;
  stride: number;
  /** Row-major bins (binsRow[i*stride + f]) and the same memory as Int32 words. */
  binsRow: Uint8Array;
  words: Int32Array;
  /** Column-major bins: binsCol[f*n + i]. */
  binsCol: Uint8Array;
  /** Gradient and hessian per row, interleaved. */
  gh: Float64Array;
  /** Row-id lists: 0 and 1 alternate as partition targets (0 also holds a tree's sampled rows); 2 is 0..n-1. */
  rows: Int32Array[];
  /** Margins, labels, optional weights of the training rows. */
  raw: Float64Array;
  labels: Float32Array;
  weights: Float64Array | null;
  /** Per block of 65536 rows: [loss sum, weight sum] of the last gradient pass. */
  loss: Float64Array;
  /** Row-major validation bins (stride d) and margins; empty without a validation set. */
  validBins: Uint8Array;
  validRaw: Float64Array;
  /** The tree being applied: per node [feature, binThreshold, missingLeft, left, right] and value. */
  treeNodes: Int32Array;
  treeValue: Float64Array;
  /** Leaves of the last tree: [start, end, list] per leaf, and value. */
  leafRanges: Int32Array;
  leafValue: Float64Array;
  /** The features of the current tree (ascending), for histogram builds on a subset. */
  features: Int32Array;
  /** Histogram buffers by id (see TrainingKernels.acquireHist). */
  hists: Float64Array[];
}

// ip[0] is always the kernel id; the rest depends on the kernel.

/**
 * Logistic-loss gradients for rows [ip[1], ip[2]) (a multiple of 65536 at the start) from S.raw,
 * written interleaved into S.gh, with the loss per 65536-row block in
 * S.loss. Σ log(1 + e^{-|z|}) is taken as the log of products over 32 rows (each factor ≤ 2, no
 * overflow): one log per 32 rows instead of one log1p per row.
 */
export function gradientKernel(S: KernelState, ip: Int32Array): number {
  const a = ip[1];
  const b = ip[2];
  const raw = S.raw;
  const labels = S.labels;
  const weights = S.weights;
  const gh = S.gh;
  for (let b0 = a; b0 < b; b0 += 65536) {
    const b1 = Math.min(b, b0 + 65536);
    let loss = 0;
    let wsum = 0;
    let prod = 1;
    let inBlock = 0;
    for (let i = b0; i < b1; i++) {
      const z = raw[i];
      const e = Math.exp(-Math.abs(z));
      const pr = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      const y = labels[i];
      if (weights !== null) {
        const wt = weights[i];
        gh[2 * i] = wt * (pr - y);
        gh[2 * i + 1] = wt * Math.max(pr * (1 - pr), 1e-16);
        loss += wt * (Math.max(z, 0) + Math.log1p(e) - y * z);
        wsum += wt;
      } else {
        gh[2 * i] = pr - y;
        // Floor keeps leaves finite when predictions saturate.
        gh[2 * i + 1] = Math.max(pr * (1 - pr), 1e-16);
        loss += Math.max(z, 0) - y * z;
        prod *= 1 + e;
        if (++inBlock === 32) {
          loss += Math.log(prod);
          prod = 1;
          inBlock = 0;
        }
      }
    }
    if (weights === null) {
      loss += Math.log(prod);
      wsum = b1 - b0;
    }
    const k = b0 / 65536;
    S.loss[2 * k] = loss;
    S.loss[2 * k + 1] = wsum;
  }
  return 0;
}

/**
 * Histogram of the rows S.rows[ip[2]][ip[3] .. ip[4]) into S.hists[ip[1]], for the features
 * S.features[ip[5] .. ip[6]) when ip[7] = 0, or for ALL features of the 32-bit words
 * [ip[5], ip[6]) of each row (plus the last d % 4 single bytes when ip[8] = 1) when ip[7] = 1.
 * Only those features' parts of the histogram are cleared and written, so threads that take
 * different features write disjoint memory and each bin is summed over the rows in order: the
 * result is the same whatever the number of threads. With all features, one 32-bit load yields
 * four bins (little-endian, low byte = lowest feature), which measured ~25% faster than byte loads.
 *
 * A node's rows are spread over the data (ascending ids), and each row's ~200 instructions of
 * updates leave the CPU no room to fetch the next rows early: reading them in place measured 3x
 * slower than the data kept in node order. So rows are read in blocks of 128: a short loop first
 * copies the block's bins and gradients into a small scratch (many cache misses in flight at
 * once), then the updates read the scratch from L1. The list of all rows needs no copy.
 */
export function histogramKernel(S: KernelState, ip: Int32Array): number {
  const hist = S.hists[ip[1]];
  const buf = ip[2];
  const start = ip[3];
  const end = ip[4];
  const k0 = ip[5];
  const k1 = ip[6];
  const rows = S.rows[buf];
  const bins = S.binsRow;
  const words = S.words;
  const gh = S.gh;
  const stride = S.stride;
  const w = stride >> 2;
  const direct = buf === 2;
  const BLOCK = 128;
  if (ip[7] === 1) {
    const d = S.d;
    const tail = ip[8] === 1;
    const fTail = (d >> 2) * 4;
    const nw = k1 - k0;
    hist.fill(0, k0 * 3072, k1 * 3072);
    if (tail) hist.fill(0, fTail * 768, d * 768);
    // Scratch: the block's words [k0, k1) (nw per row) and gradient pairs; direct reads use the data itself.
    const sw = direct ? words : new Int32Array(BLOCK * nw);
    const sg = direct ? gh : new Float64Array(2 * BLOCK);
    const sStride = direct ? w : nw;
    const sOff = direct ? k0 : 0;
    for (let j0 = start; j0 < end; j0 += BLOCK) {
      const j1 = Math.min(end, j0 + BLOCK);
      let t0 = j0;
      if (!direct) {
        for (let j = j0, t = 0; j < j1; j++, t++) {
          const r = rows[j];
          sg[2 * t] = gh[2 * r];
          sg[2 * t + 1] = gh[2 * r + 1];
          for (let q = 0, x = r * w + k0, y = t * nw; q < nw; q++) sw[y + q] = words[x + q];
        }
        t0 = 0;
      }
      for (let j = j0, t = t0; j < j1; j++, t++) {
        const g = sg[2 * t];
        const h = sg[2 * t + 1];
        const rw = t * sStride + sOff;
        let base = k0 * 3072;
        for (let q = 0; q < nw; q++, base += 3072) {
          const x = sw[rw + q];
          let o = base + (x & 255) * 3;
          hist[o] += g;
          hist[o + 1] += h;
          hist[o + 2] += 1;
          o = base + 768 + ((x >> 8) & 255) * 3;
          hist[o] += g;
          hist[o + 1] += h;
          hist[o + 2] += 1;
          o = base + 1536 + ((x >> 16) & 255) * 3;
          hist[o] += g;
          hist[o + 1] += h;
          hist[o + 2] += 1;
          o = base + 2304 + (x >>> 24) * 3;
          hist[o] += g;
          hist[o + 1] += h;
          hist[o + 2] += 1;
        }
        if (tail) {
          const rb = rows[j] * stride;
          for (let f = fTail; f < d; f++) {
            const o = f * 768 + bins[rb + f] * 3;
            hist[o] += g;
            hist[o + 1] += h;
            hist[o + 2] += 1;
          }
        }
      }
    }
  } else {
    const features = S.features;
    for (let k = k0; k < k1; k++) hist.fill(0, features[k] * 768, (features[k] + 1) * 768);
    const sw = direct ? words : new Int32Array(BLOCK * w);
    const sb = direct ? bins : new Uint8Array(sw.buffer, sw.byteOffset, sw.byteLength);
    const sg = direct ? gh : new Float64Array(2 * BLOCK);
    for (let j0 = start; j0 < end; j0 += BLOCK) {
      const j1 = Math.min(end, j0 + BLOCK);
      let t0 = j0;
      if (!direct) {
        for (let j = j0, t = 0; j < j1; j++, t++) {
          const r = rows[j];
          sg[2 * t] = gh[2 * r];
          sg[2 * t + 1] = gh[2 * r + 1];
          for (let q = 0, x = r * w, y = t * w; q < w; q++) sw[y + q] = words[x + q];
        }
        t0 = 0;
      }
      for (let j = j0, t = t0; j < j1; j++, t++) {
        const g = sg[2 * t];
        const h = sg[2 * t + 1];
        const rb = t * stride;
        for (let k = k0; k < k1; k++) {
          const f = features[k];
          const o = f * 768 + sb[rb + f] * 3;
          hist[o] += g;
          hist[o + 1] += h;
          hist[o + 2] += 1;
        }
      }
    }
  }
  return 0;
}

/**
 * Counts the rows S.rows[ip[1]][ip[2] .. ip[3]) that go left (bin ≤ ip[5] for feature ip[4]; the
 * missing bin goes left when ip[6] = 1). Used to place the parts of a partition done by more
 * than two threads.
 */
export function countLeftKernel(S: KernelState, ip: Int32Array): number {
  const rows = S.rows[ip[1]];
  const col = S.binsCol.subarray(ip[4] * S.n, (ip[4] + 1) * S.n);
  const threshold = ip[5];
  const missingLeft = ip[6] === 1;
  let c = 0;
  for (let j = ip[2]; j < ip[3]; j++) {
    const b = col[rows[j]];
    if (b === 255 ? missingLeft : b <= threshold) c++;
  }
  return c;
}

/**
 * Stable partition of the row ids S.rows[ip[1]][ip[3] .. ip[4]) into S.rows[ip[2]] by the split
 * (feature ip[5], bin ≤ ip[6], missing left when ip[7] = 1), testing the feature's column. Forward
 * (ip[8] = 0): left rows are written from position ip[9] up, right rows from ip[10] up. Backward
 * (ip[8] = 1): the range is read from its end and left rows are written from ip[9] - 1 down, right
 * rows from ip[10] - 1 down, so two threads can split one node without knowing each other's
 * counts: the first half forward from the front of each side, the second half backward from the
 * back, in the original order. Returns the number of left rows of this part.
 */
export function partitionKernel(S: KernelState, ip: Int32Array): number {
  const src = S.rows[ip[1]];
  const dst = S.rows[ip[2]];
  const start = ip[3];
  const end = ip[4];
  const col = S.binsCol.subarray(ip[5] * S.n, (ip[5] + 1) * S.n);
  const threshold = ip[6];
  const missingLeft = ip[7] === 1;
  let nLeft = 0;
  if (ip[8] === 0) {
    let l = ip[9];
    let r = ip[10];
    for (let j = start; j < end; j++) {
      const row = src[j];
      const b = col[row];
      if (b === 255 ? missingLeft : b <= threshold) dst[l++] = row;
      else dst[r++] = row;
    }
    nLeft = l - ip[9];
  } else {
    let l = ip[9];
    let r = ip[10];
    for (let j = end - 1; j >= start; j--) {
      const row = src[j];
      const b = col[row];
      if (b === 255 ? missingLeft : b <= threshold) dst[--l] = row;
      else dst[--r] = row;
    }
    nLeft = ip[9] - l;
  }
  return nLeft;
}

/**
 * Adds each leaf's value to the margins of its rows, for positions [ip[1], ip[2]) of the row-id
 * lists (leaves: ip[3] of them in S.leafRanges / S.leafValue). Each row is in one leaf, so parts
 * write disjoint margins.
 */
export function leavesKernel(S: KernelState, ip: Int32Array): number {
  const a = ip[1];
  const b = ip[2];
  const nLeaves = ip[3];
  const raw = S.raw;
  for (let k = 0; k < nLeaves; k++) {
    const s = Math.max(a, S.leafRanges[3 * k]);
    const e = Math.min(b, S.leafRanges[3 * k + 1]);
    if (s >= e) continue;
    const rows = S.rows[S.leafRanges[3 * k + 2]];
    const v = S.leafValue[k];
    for (let j = s; j < e; j++) raw[rows[j]] += v;
  }
  return 0;
}

/**
 * Adds the output of the tree in S.treeNodes / S.treeValue to the margins of rows [ip[2], ip[3]):
 * of the validation set (ip[1] = 1: S.validBins, stride d, into S.validRaw) or of the training set
 * (ip[1] = 0: into S.raw; used when rows were subsampled).
 */
export function walkTreeKernel(S: KernelState, ip: Int32Array): number {
  const valid = ip[1] === 1;
  const bins = valid ? S.validBins : S.binsRow;
  const stride = valid ? S.d : S.stride;
  const out = valid ? S.validRaw : S.raw;
  const nodes = S.treeNodes;
  const value = S.treeValue;
  for (let i = ip[2]; i < ip[3]; i++) {
    let node = 0;
    let f = nodes[0];
    const base = i * stride;
    while (f >= 0) {
      const b = bins[base + f];
      const o = 5 * node;
      node = (b === 255 ? nodes[o + 2] === 1 : b <= nodes[o + 1]) ? nodes[o + 3] : nodes[o + 4];
      f = nodes[5 * node];
    }
    out[i] += value[node];
  }
  return 0;
}

/** In kernel-id order: ip[0] indexes this list (and the worker's copy of it). */
export const KERNELS = [gradientKernel, histogramKernel, countLeftKernel, partitionKernel, leavesKernel, walkTreeKernel] as const;
export const K_GRADIENT = 0;
export const K_HISTOGRAM = 1;
export const K_COUNT_LEFT = 2;
export const K_PARTITION = 3;
export const K_LEAVES = 4;
export const K_WALK_TREE = 5;
