// The trainer's hot loops, each over one part of its work (a range of rows or slots, or a share of
// the features), so that the same function runs on the calling thread and on worker threads.
//
// Every kernel is `(S, ip, fp) => number`: S holds the training state (typed arrays, shared
// between threads when workers are used), ip / fp are its integer / float parameters. Kernels are
// SELF-CONTAINED (no outer references: literals instead of imported constants, no helpers),
// because worker threads receive them as source text via Function.prototype.toString; that keeps
// the worker independent of where the compiled files live (dist/, or TS sources under vitest).
//
// Layout reminders: bins are row-major, `stride` bytes a row (a multiple of 4, so a row also
// moves as `w = stride/4` Int32 words); a histogram is [(f*256 + bin)*3 + {0: g, 1: h, 2: count}];
// bin 255 is the missing bin. A "slot buffer" b holds rows in node order: words[b] (bins), gh[b]
// (gradient, hessian interleaved) and rows[b] (original row id) at each slot. Splitting a node
// moves its rows' data to the same slot range of another buffer, in order, so every histogram
// scan reads memory sequentially. (Moving only 4-byte row ids and reading the rows through them,
// as XGBoost does, measured ~15% more CPU here: JS cannot prefetch, and the scattered reads stall.)

import type { WasmKernels } from './wasmKernels';
import { BinningState, binRowsKernel, gatherSampleKernel, thresholdsKernel } from './binKernels';

/** The arrays every kernel may use; built once per fit (see parallelKernels.ts). */
export interface KernelState extends BinningState {
  n: number;
  d: number;
  stride: number;
  /** Three slot buffers: 0 and 1 alternate as partition targets; 2 is the data in original row order. */
  bins: Uint8Array[];
  words: Int32Array[];
  gh: Float64Array[];
  rows: Int32Array[];
  /** Margins, labels, optional weights of the training rows (original order). */
  raw: Float64Array;
  labels: Float32Array;
  weights: Float64Array | null;
  /** Per block of 65536 rows: [loss sum, weight sum] of the last gradient pass. */
  loss: Float64Array;
  /** Sampled row ids (ascending) when subsampling. */
  sample: Int32Array;
  /** Row-major validation bins (stride d) and margins; empty without a validation set. */
  validBins: Uint8Array;
  validRaw: Float64Array;
  /** Validation labels, optional weights, and per block of 8192 rows [loss sum, weight sum] after the last tree. */
  validLabels: Float32Array;
  validWeights: Float64Array | null;
  validLoss: Float64Array;
  /** The tree being applied: per node [feature, binThreshold, missingLeft, left, right] and value. */
  treeNodes: Int32Array;
  treeValue: Float64Array;
  /** Leaves of the last tree: [start, end, buffer] per leaf, and value. */
  leafRanges: Int32Array;
  leafValue: Float64Array;
  /** The features of the current tree (ascending), for histogram builds on a subset. */
  features: Int32Array;
  /** Split search (splitKernel): value bins per feature, arguments, and each part's best splits. */
  nValueBins: Int32Array;
  splitArgs: Float64Array;
  splitOut: Float64Array;
  /** Histogram buffers by id (see TrainingKernels.acquireHist). */
  hists: Float64Array[];
  /**
   * The WebAssembly loops (wasmKernels.ts), or null. When set, the slot buffers live in their
   * memory (so byteOffsets are their pointers), and so do histograms 0..wasmHists-1.
   */
  wasm: WasmKernels | null;
  wasmHists: number;
}

// ip[0] is always the kernel id; the rest depends on the kernel.

/**
 * Logistic-loss gradients for rows [ip[1], ip[2]) (a multiple of 65536 at the start) from S.raw,
 * written interleaved into slot buffer 2 (original order), with the loss per 65536-row block in
 * S.loss. Σ log(1 + e^{-|z|}) is taken as the log of products over 32 rows (each factor ≤ 2, no
 * overflow): one log per 32 rows instead of one log1p per row.
 */
export function gradientKernel(S: KernelState, ip: Int32Array): number {
  const a = ip[1];
  const b = ip[2];
  const raw = S.raw;
  const labels = S.labels;
  const weights = S.weights;
  const gh = S.gh[2];
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

/** Copies sampled rows S.sample[j], j in [ip[1], ip[2]), from buffer 2 into slot j of buffer 0. */
export function gatherKernel(S: KernelState, ip: Int32Array): number {
  const w = S.stride >> 2;
  const src = S.words[2];
  const dst = S.words[0];
  const sgh = S.gh[2];
  const dgh = S.gh[0];
  const rows = S.rows[0];
  const sample = S.sample;
  for (let j = ip[1]; j < ip[2]; j++) {
    const r = sample[j];
    rows[j] = r;
    dgh[2 * j] = sgh[2 * r];
    dgh[2 * j + 1] = sgh[2 * r + 1];
    for (let q = 0, x = r * w, y = j * w; q < w; q++) dst[y + q] = src[x + q];
  }
  return 0;
}

/**
 * Histogram of slots [ip[3], ip[4]) of buffer ip[2] into S.hists[ip[1]], for the features
 * S.features[ip[5] .. ip[6]) when ip[7] = 0, or for ALL features of the 32-bit words
 * [ip[5], ip[6]) of each row (plus the last d % 4 single bytes when ip[8] = 1) when ip[7] = 1.
 * Only those features' parts of the histogram are cleared and written, so threads that take
 * different features write disjoint memory and each bin is summed over the slots in order: the
 * result is the same whatever the number of threads. With all features, one 32-bit load yields
 * four bins (little-endian, low byte = lowest feature), which measured ~25% faster than byte loads.
 */
export function histogramKernel(S: KernelState, ip: Int32Array): number {
  const hist = S.hists[ip[1]];
  const buf = ip[2];
  const start = ip[3];
  const end = ip[4];
  const k0 = ip[5];
  const k1 = ip[6];
  const bins = S.bins[buf];
  const words = S.words[buf];
  const gh = S.gh[buf];
  const stride = S.stride;
  if (ip[7] === 1) {
    const d = S.d;
    const tail = ip[8] === 1;
    const fTail = (d >> 2) * 4;
    hist.fill(0, k0 * 3072, k1 * 3072);
    if (tail) hist.fill(0, fTail * 768, d * 768);
    const w = stride >> 2;
    const wasm = S.wasm;
    // Each bin belongs to one feature, so doing the words and the tail in separate passes keeps
    // every bin's order of additions (over the slots) and so the sums.
    if (wasm !== null && ip[1] < S.wasmHists) wasm.hist(hist.byteOffset, words.byteOffset, gh.byteOffset, start, end, k0, k1, w);
    else for (let j = start; j < end; j++) {
      const g = gh[2 * j];
      const h = gh[2 * j + 1];
      const rw = j * w;
      let base = k0 * 3072;
      for (let q = k0; q < k1; q++, base += 3072) {
        const x = words[rw + q];
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
    }
    if (tail) {
      for (let j = start; j < end; j++) {
        const g = gh[2 * j];
        const h = gh[2 * j + 1];
        const rb = j * stride;
        for (let f = fTail; f < d; f++) {
          const o = f * 768 + bins[rb + f] * 3;
          hist[o] += g;
          hist[o + 1] += h;
          hist[o + 2] += 1;
        }
      }
    }
  } else {
    const features = S.features;
    for (let k = k0; k < k1; k++) hist.fill(0, features[k] * 768, (features[k] + 1) * 768);
    for (let j = start; j < end; j++) {
      const g = gh[2 * j];
      const h = gh[2 * j + 1];
      const rb = j * stride;
      for (let k = k0; k < k1; k++) {
        const f = features[k];
        const o = f * 768 + bins[rb + f] * 3;
        hist[o] += g;
        hist[o + 1] += h;
        hist[o + 2] += 1;
      }
    }
  }
  return 0;
}

/**
 * Counts the slots of [ip[2], ip[3]) of buffer ip[1] that go left (bin ≤ ip[5] for feature ip[4];
 * the missing bin goes left when ip[6] = 1). Used to place the parts of a partition done by more
 * than two threads.
 */
export function countLeftKernel(S: KernelState, ip: Int32Array): number {
  const bins = S.bins[ip[1]];
  const stride = S.stride;
  const threshold = ip[5];
  const missingLeft = ip[6] === 1;
  let c = 0;
  for (let j = ip[2], k = ip[2] * stride + ip[4]; j < ip[3]; j++, k += stride) {
    const b = bins[k];
    if (b === 255 ? missingLeft : b <= threshold) c++;
  }
  return c;
}

/**
 * Stable partition of the slots [ip[3], ip[4]) of buffer ip[1] into buffer ip[2] by the split
 * (feature ip[5], bin ≤ ip[6], missing left when ip[7] = 1). Forward (ip[8] = 0): left slots are
 * written from slot ip[9] up, right slots from ip[10] up. Backward (ip[8] = 1): the range is read
 * from its end and left slots are written from ip[9] - 1 down, right slots from ip[10] - 1 down,
 * so two threads can split one node without knowing each other's counts: the first half forward
 * from the front of each side, the second half backward from the back, in the original order.
 * ip[11] = 1 moves row ids only (the children are final leaves: only their rows are needed).
 * Returns the number of left slots of this part.
 */
export function partitionKernel(S: KernelState, ip: Int32Array): number {
  const src = ip[1];
  const dst = ip[2];
  const start = ip[3];
  const end = ip[4];
  const f = ip[5];
  const threshold = ip[6];
  const missingLeft = ip[7] === 1;
  const backward = ip[8] === 1;
  const rowsOnly = ip[11] === 1;
  if (S.wasm !== null) {
    const b = S.bins;
    const g = S.gh;
    const r = S.rows;
    return S.wasm.part(b[src].byteOffset, g[src].byteOffset, r[src].byteOffset, b[dst].byteOffset, g[dst].byteOffset, r[dst].byteOffset,
      start, end, f, threshold, ip[7], ip[8], ip[9], ip[10], S.stride, ip[11]);
  }
  const bins = S.bins[src];
  const sw = S.words[src];
  const dw = S.words[dst];
  const sgh = S.gh[src];
  const dgh = S.gh[dst];
  const srows = S.rows[src];
  const drows = S.rows[dst];
  const stride = S.stride;
  const w = stride >> 2;
  const step = backward ? -1 : 1;
  let l = backward ? ip[9] - 1 : ip[9];
  let r = backward ? ip[10] - 1 : ip[10];
  let nLeft = 0;
  const first = backward ? end - 1 : start;
  const count = end - start;
  for (let t = 0, j = first; t < count; t++, j += step) {
    const b = bins[j * stride + f];
    let to: number;
    if (b === 255 ? missingLeft : b <= threshold) {
      to = l;
      l += step;
      nLeft++;
    } else {
      to = r;
      r += step;
    }
    drows[to] = srows[j];
    if (!rowsOnly) {
      dgh[2 * to] = sgh[2 * j];
      dgh[2 * to + 1] = sgh[2 * j + 1];
      for (let q = 0, x = j * w, y = to * w; q < w; q++) dw[y + q] = sw[x + q];
    }
  }
  return nLeft;
}

/**
 * Adds each leaf's value to the margins of its rows, for the slots [ip[1], ip[2]) of the slot
 * space (leaves: ip[3] of them in S.leafRanges / S.leafValue). Each row is in one leaf, so parts
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
 * (ip[1] = 0: buffer 2, into S.raw; used when rows were subsampled). For the validation set the
 * range starts on a multiple of 8192 rows and the same pass leaves the logistic loss at the new
 * margins per block of 8192 rows in S.validLoss ([loss sum, weight sum]; the caller adds the
 * blocks in order, so the loss is the same for any thread count), the sum of log(1 + e^{-|z|})
 * taken as the log of products over 32 rows as in gradientKernel.
 */
export function walkTreeKernel(S: KernelState, ip: Int32Array): number {
  const valid = ip[1] === 1;
  const bins = valid ? S.validBins : S.bins[2];
  const stride = valid ? S.d : S.stride;
  const out = valid ? S.validRaw : S.raw;
  const nodes = S.treeNodes;
  const value = S.treeValue;
  const labels = S.validLabels;
  const weights = S.validWeights;
  for (let b0 = ip[2]; b0 < ip[3]; b0 += 8192) {
    const b1 = Math.min(ip[3], b0 + 8192);
    let loss = 0;
    let wsum = 0;
    let prod = 1;
    for (let i = b0; i < b1; i++) {
      let node = 0;
      let f = nodes[0];
      const base = i * stride;
      while (f >= 0) {
        const b = bins[base + f];
        const o = 5 * node;
        node = (b === 255 ? nodes[o + 2] === 1 : b <= nodes[o + 1]) ? nodes[o + 3] : nodes[o + 4];
        f = nodes[5 * node];
      }
      const z = out[i] + value[node];
      out[i] = z;
      if (!valid) continue;
      const y = labels[i];
      if (weights !== null) {
        const wt = weights[i];
        const sp = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
        loss += wt * (sp - y * z);
        wsum += wt;
      } else {
        loss += Math.max(z, 0) - y * z;
        prod *= 1 + Math.exp(-Math.abs(z));
        if ((i & 31) === 31) {
          loss += Math.log(prod);
          prod = 1;
        }
      }
    }
    if (valid) {
      if (weights === null) {
        loss += Math.log(prod);
        wsum = b1 - b0;
      }
      const k = b0 / 8192;
      S.validLoss[2 * k] = loss;
      S.validLoss[2 * k + 1] = wsum;
    }
  }
  return 0;
}

/**
 * Split search for the features S.features[ip[6] .. ip[7]) of one or two nodes whose histograms
 * are S.hists[ip[1]] (node A) and S.hists[ip[2]] (node B, or none when ip[2] < 0). When ip[3] = 1,
 * B's histogram is first made the sibling's (B ← B − A over those features: the parent's minus
 * the smaller child's). Node A is searched when ip[4] = 1, node B when ip[5] = 1, with the
 * constraints and node sums in S.splitArgs ([λ, min child weight, min rows per leaf, min gain,
 * g_A, h_A, count_A, g_B, h_B, count_B]). The best split of each node in these features goes to
 * S.splitOut[ip[8] * 16 + node * 8 + {found, feature, bin, missing left, gain, left g, left h,
 * left count}]: the first of the highest gain > min gain, in the order of (feature, bin), with the
 * missing bin to the right before to the left, so taking a part's result over the earlier parts'
 * only when its gain is strictly higher gives the one-thread result. L2-regularised second-order
 * gain; without NaNs in the node, unseen NaNs follow the heavier child.
 */
export function splitKernel(S: KernelState, ip: Int32Array): number {
  const features = S.features;
  const k0 = ip[6];
  const k1 = ip[7];
  const args = S.splitArgs;
  const lambda = args[0];
  const minChildWeight = args[1];
  const minSamplesLeaf = args[2];
  const out = S.splitOut;
  if (ip[3] === 1) {
    const parent = S.hists[ip[2]];
    const child = S.hists[ip[1]];
    for (let k = k0; k < k1; k++) {
      const base = features[k] * 768;
      for (let o = base; o < base + 768; o++) parent[o] -= child[o];
    }
  }
  for (let node = 0; node < 2; node++) {
    const o0 = ip[8] * 16 + node * 8;
    out[o0] = 0;
    if (ip[4 + node] !== 1) continue;
    const hist = S.hists[ip[1 + node]];
    const sumG = args[4 + 3 * node];
    const sumH = args[5 + 3 * node];
    const count = args[6 + 3 * node];
    const parentScore = (sumG * sumG) / (sumH + lambda);
    let bestGain = args[3];
    for (let k = k0; k < k1; k++) {
      const f = features[k];
      const nb = S.nValueBins[f];
      const base = f * 768;
      const mo = base + 255 * 3;
      const gM = hist[mo];
      const hM = hist[mo + 1];
      const cM = hist[mo + 2];
      const hasMissing = cM > 0;
      let gL = 0;
      let hL = 0;
      let cL = 0;
      for (let b = 0; b < nb; b++) {
        const o = base + b * 3;
        gL += hist[o];
        hL += hist[o + 1];
        cL += hist[o + 2];
        // Missing to the right.
        {
          const gR = sumG - gL;
          const hR = sumH - hL;
          const cR = count - cL;
          if (cL >= minSamplesLeaf && cR >= minSamplesLeaf && hL >= minChildWeight && hR >= minChildWeight) {
            const gain = 0.5 * ((gL * gL) / (hL + lambda) + (gR * gR) / (hR + lambda) - parentScore);
            if (gain > bestGain) {
              bestGain = gain;
              out[o0] = 1;
              out[o0 + 1] = f;
              out[o0 + 2] = b;
              out[o0 + 3] = hasMissing ? 0 : hL >= hR ? 1 : 0;
              out[o0 + 4] = gain;
              out[o0 + 5] = gL;
              out[o0 + 6] = hL;
              out[o0 + 7] = cL;
            }
          }
        }
        if (hasMissing) {
          const gLm = gL + gM;
          const hLm = hL + hM;
          const cLm = cL + cM;
          const gR = sumG - gLm;
          const hR = sumH - hLm;
          const cR = count - cLm;
          if (cLm >= minSamplesLeaf && cR >= minSamplesLeaf && hLm >= minChildWeight && hR >= minChildWeight) {
            const gain = 0.5 * ((gLm * gLm) / (hLm + lambda) + (gR * gR) / (hR + lambda) - parentScore);
            if (gain > bestGain) {
              bestGain = gain;
              out[o0] = 1;
              out[o0 + 1] = f;
              out[o0 + 2] = b;
              out[o0 + 3] = 1;
              out[o0 + 4] = gain;
              out[o0 + 5] = gLm;
              out[o0 + 6] = hLm;
              out[o0 + 7] = cLm;
            }
          }
        }
      }
    }
  }
  return 0;
}

/** Drops this thread's references to the raw features once they are binned (their memory can go). */
export function releaseInputsKernel(S: KernelState): number {
  S.x = new Float32Array(0);
  S.validX = new Float32Array(0);
  S.sampleCols = new Float32Array(0);
  return 0;
}

/** In kernel-id order: ip[0] indexes this list (and the worker's copy of it). */
export const KERNELS = [
  gradientKernel,
  gatherKernel,
  histogramKernel,
  countLeftKernel,
  partitionKernel,
  leavesKernel,
  walkTreeKernel,
  gatherSampleKernel,
  thresholdsKernel,
  binRowsKernel,
  releaseInputsKernel,
  splitKernel,
] as const;
export const K_GRADIENT = 0;
export const K_GATHER = 1;
export const K_HISTOGRAM = 2;
export const K_COUNT_LEFT = 3;
export const K_PARTITION = 4;
export const K_LEAVES = 5;
export const K_WALK_TREE = 6;
export const K_GATHER_SAMPLE = 7;
export const K_THRESHOLDS = 8;
export const K_BIN_ROWS = 9;
export const K_RELEASE_INPUTS = 10;
export const K_SPLIT = 11;
