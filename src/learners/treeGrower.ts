// Grows one tree best-first on binned data, using per-node row partitions and histogram subtraction.
import { BinnedMatrix, FittedBinner, MISSING_BIN } from './binner';
import { HistogramPool, histogramLength, rowStride, subtractHistogram, toRowMajorBins } from './histogram';
import { NodeKernels, ParallelKernels, SingleThreadKernels, allocSlotBuffers } from './nodeKernels';
import { SlotBuffers } from './partition';
import { SplitCandidate, SplitConstraints, findBestSplit } from './splitter';
import { RegressionTree } from './tree';

export interface GrowerParams extends SplitConstraints {
  maxDepth: number;
  maxLeaves: number;
  learningRate: number;
  /** Derive the larger child's histogram as parent − smaller child (default). Off = build both. */
  histogramSubtraction: boolean;
}

interface OpenNode {
  id: number;
  start: number;
  end: number;
  g: number;
  h: number;
  count: number;
  depth: number;
  hist: Float64Array | null;
  split: SplitCandidate | null;
}

/** Rows [start, end) of the partition buffer that ended in each leaf, after grow(). */
export interface LeafRanges {
  count: number;
  start: Int32Array;
  end: Int32Array;
  value: Float32Array;
}

/**
 * Each tree works on "slots": slot j holds one training row's bins (row-major, `stride` bytes),
 * its gradient/hessian and its original row index. Splitting a node stably partitions its slot
 * range, moving the data with it, so histogram scans read memory sequentially.
 */
export class TreeGrower {
  private readonly pool: HistogramPool;
  private readonly nValueBins: Int32Array;
  /** Row-major bins in original row order (Int32 words). */
  private readonly master: Int32Array;
  private readonly slots: SlotBuffers;
  private readonly kernels: NodeKernels;
  readonly leaves: LeafRanges;

  constructor(
    private readonly binned: BinnedMatrix,
    private readonly binner: FittedBinner,
    private readonly p: GrowerParams,
    /** > 1 runs large histogram builds and partitions on worker threads. */
    nThreads = 1,
  ) {
    const n = binned.nRows;
    const d = binned.nFeatures;
    const stride = rowStride(d);
    this.pool = new HistogramPool(histogramLength(d));
    this.nValueBins = new Int32Array(d);
    for (let f = 0; f < d; f++) this.nValueBins[f] = binner.nValueBins(f);
    const master = toRowMajorBins(binned.bins, n, d, stride);
    this.master = new Int32Array(master.buffer, 0, (n * stride) / 4);
    this.slots = allocSlotBuffers(n, d, stride, nThreads > 1);
    this.kernels = nThreads > 1 ? new ParallelKernels(this.slots, nThreads) : new SingleThreadKernels(this.slots);
    this.leaves = {
      count: 0,
      start: new Int32Array(p.maxLeaves),
      end: new Int32Array(p.maxLeaves),
      value: new Float32Array(p.maxLeaves),
    };
  }

  /** Original row id of each slot (valid for the leaf ranges after grow()). */
  get rows(): Int32Array {
    return this.slots.rows;
  }

  close(): void {
    this.kernels.close();
  }

  /** Adds tree's output for every training row (in original order) to out. */
  addTreeToAllRows(tree: RegressionTree, out: Float64Array): void {
    const bins = new Uint8Array(this.master.buffer, this.master.byteOffset, this.master.byteLength);
    tree.addRowBinnedTo(bins, this.slots.stride, this.binned.nRows, out);
  }

  /** Fills slots 0..m-1 with the sampled rows (ascending), or all rows when sample is null. */
  private loadSlots(grad: Float64Array, hess: Float64Array, sample: Int32Array | null, m: number): void {
    const { gh, rows, work } = this.slots;
    if (sample === null) {
      work.set(this.master);
      for (let j = 0; j < m; j++) {
        rows[j] = j;
        gh[2 * j] = grad[j];
        gh[2 * j + 1] = hess[j];
      }
      return;
    }
    const w = this.slots.stride >> 2;
    const src = this.master;
    for (let j = 0; j < m; j++) {
      const r = sample[j];
      rows[j] = r;
      gh[2 * j] = grad[r];
      gh[2 * j + 1] = hess[r];
      for (let q = 0, a = r * w, b = j * w; q < w; q++) work[b + q] = src[a + q];
    }
  }

  /**
   * Grows one tree on the rows in `sample` (ascending; null = all rows) using only `features`.
   * Afterwards `leaves` gives each leaf's slot range and `rows` maps slots to original rows.
   */
  grow(grad: Float64Array, hess: Float64Array, sample: Int32Array | null, features: Int32Array): RegressionTree {
    const p = this.p;
    const m = sample === null ? this.binned.nRows : sample.length;
    this.loadSlots(grad, hess, sample, m);
    const gh = this.slots.gh;
    const feature: number[] = [];
    const threshold: number[] = [];
    const binThreshold: number[] = [];
    const missingLeft: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const value: number[] = [];
    const gain: number[] = [];
    const cover: number[] = [];
    const addNode = (h: number): number => {
      feature.push(-1);
      threshold.push(0);
      binThreshold.push(0);
      missingLeft.push(0);
      left.push(-1);
      right.push(-1);
      value.push(0);
      gain.push(0);
      cover.push(h);
      return feature.length - 1;
    };

    let g0 = 0;
    let h0 = 0;
    for (let j = 0; j < m; j++) {
      g0 += gh[2 * j];
      h0 += gh[2 * j + 1];
    }
    const root: OpenNode = { id: addNode(h0), start: 0, end: m, g: g0, h: h0, count: m, depth: 0, hist: null, split: null };
    const open: OpenNode[] = [root];
    if (this.canSplit(root)) {
      root.hist = this.pool.acquire();
      this.kernels.build(root.hist, features, 0, m);
      root.split = this.findSplit(root, features);
    }

    let nLeaves = 1;
    while (nLeaves < p.maxLeaves) {
      let bestIdx = -1;
      for (let k = 0; k < open.length; k++) {
        const s = open[k].split;
        if (s && (bestIdx < 0 || s.gain > (open[bestIdx].split as SplitCandidate).gain)) bestIdx = k;
      }
      if (bestIdx < 0) break;
      const node = open[bestIdx];
      open.splice(bestIdx, 1);
      const s = node.split as SplitCandidate;
      const depth = node.depth + 1;
      const childrenAreLeaves =
        !this.canSplitStats(depth, s.leftCount, s.leftH) && !this.canSplitStats(depth, node.count - s.leftCount, node.h - s.leftH);
      const nLeft = childrenAreLeaves
        ? this.partitionRowsOnly(node.start, node.end, s.feature, s.bin, s.missingLeft)
        : this.kernels.partition(node.start, node.end, s.feature, s.bin, s.missingLeft);
      const lNode: OpenNode = {
        id: addNode(s.leftH),
        start: node.start,
        end: node.start + nLeft,
        g: s.leftG,
        h: s.leftH,
        count: s.leftCount,
        depth: node.depth + 1,
        hist: null,
        split: null,
      };
      const rNode: OpenNode = {
        id: addNode(node.h - s.leftH),
        start: node.start + nLeft,
        end: node.end,
        g: node.g - s.leftG,
        h: node.h - s.leftH,
        count: node.count - s.leftCount,
        depth: node.depth + 1,
        hist: null,
        split: null,
      };
      const id = node.id;
      feature[id] = s.feature;
      binThreshold[id] = s.bin;
      threshold[id] = this.binner.thresholdOf(s.feature, s.bin);
      missingLeft[id] = s.missingLeft ? 1 : 0;
      left[id] = lNode.id;
      right[id] = rNode.id;
      gain[id] = s.gain;
      nLeaves++;

      this.childHistograms(node, lNode, rNode, features);
      for (const child of [lNode, rNode]) {
        if (child.hist) child.split = this.findSplit(child, features);
        open.push(child);
      }
    }

    const leaves = this.leaves;
    leaves.count = 0;
    for (const node of open) {
      if (node.hist) this.pool.release(node.hist);
      node.hist = null;
      const v = node.h + p.lambda > 0 ? (-node.g / (node.h + p.lambda)) * p.learningRate : 0;
      value[node.id] = v;
      const k = leaves.count++;
      leaves.start[k] = node.start;
      leaves.end[k] = node.end;
      leaves.value[k] = v;
    }

    return new RegressionTree({
      feature: Int32Array.from(feature),
      threshold: Float32Array.from(threshold),
      binThreshold: Uint8Array.from(binThreshold),
      missingLeft: Uint8Array.from(missingLeft),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float32Array.from(value),
      gain: Float32Array.from(gain),
      cover: Float32Array.from(cover),
    });
  }

  private canSplit(node: OpenNode): boolean {
    return this.canSplitStats(node.depth, node.count, node.h);
  }

  private canSplitStats(depth: number, count: number, h: number): boolean {
    const p = this.p;
    return depth < p.maxDepth && count >= 2 * p.minSamplesLeaf && h >= 2 * p.minChildWeight;
  }

  /**
   * Partition for a split whose children are final leaves: only row ids move (enough for the
   * leaf ranges), leaving slot bins/gradients stale for the rest of this tree.
   */
  private partitionRowsOnly(start: number, end: number, f: number, bin: number, missingLeft: boolean): number {
    const { bins, stride, rows, tmpRows } = this.slots;
    let l = start;
    let k = 0;
    for (let j = start; j < end; j++) {
      const r = rows[j];
      const b = bins[j * stride + f];
      if (b === MISSING_BIN ? missingLeft : b <= bin) rows[l++] = r;
      else tmpRows[k++] = r;
    }
    rows.set(tmpRows.subarray(0, k), l);
    return l - start;
  }

  private findSplit(node: OpenNode, features: Int32Array): SplitCandidate | null {
    return findBestSplit(node.hist as Float64Array, features, this.nValueBins, node.g, node.h, node.count, this.p);
  }

  private buildFor(node: OpenNode, hist: Float64Array, features: Int32Array): void {
    this.kernels.build(hist, features, node.start, node.end);
  }

  /** Gives each child that may still split a histogram; the parent's buffer is reused or released. */
  private childHistograms(
    parent: OpenNode,
    l: OpenNode,
    r: OpenNode,
    features: Int32Array,
  ): void {
    const parentHist = parent.hist as Float64Array;
    parent.hist = null;
    const needL = this.canSplit(l);
    const needR = this.canSplit(r);
    if (!needL && !needR) {
      this.pool.release(parentHist);
      return;
    }
    if (!this.p.histogramSubtraction) {
      for (const [child, need] of [[l, needL], [r, needR]] as const) {
        if (!need) continue;
        child.hist = this.pool.acquire();
        this.buildFor(child, child.hist, features);
      }
      this.pool.release(parentHist);
      return;
    }
    const [small, large, needSmall, needLarge] = l.count <= r.count ? [l, r, needL, needR] : [r, l, needR, needL];
    const smallHist = this.pool.acquire();
    this.buildFor(small, smallHist, features);
    if (needLarge) {
      subtractHistogram(parentHist, smallHist, features);
      large.hist = parentHist;
    } else {
      this.pool.release(parentHist);
    }
    if (needSmall) small.hist = smallHist;
    else this.pool.release(smallHist);
  }
}
