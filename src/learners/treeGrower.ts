// Grows one tree best-first on binned data, using per-node slot ranges and histogram subtraction.
// The per-node work (histograms, partitions) runs through TrainingKernels, on one or more threads.
import { FittedBinner } from './binner';
import { ALL_ROWS, LeafRanges, SAMPLED_ROWS, SplitCandidate, SplitConstraints, TrainingKernels } from './parallelKernels';
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
  /** Slots [start, end) of slot buffer buf hold the node's rows. */
  start: number;
  end: number;
  buf: number;
  g: number;
  h: number;
  count: number;
  depth: number;
  /** Histogram id (TrainingKernels.hist), or -1. */
  hist: number;
  split: SplitCandidate | null;
}

/**
 * Each tree works on "slots" (kernels.ts): slot j of a slot buffer holds one training row's bins,
 * gradient pair and row id. A node is a slot range of one buffer; splitting it stably partitions
 * the range into the same range of another buffer, moving the data with it, so histogram scans
 * read memory sequentially. The root reads the data in original row order (buffer 2) when all
 * rows are used, so a tree starts without copying them.
 */
export class TreeGrower {
  constructor(
    private readonly kernels: TrainingKernels,
    private readonly binner: FittedBinner,
    private readonly p: GrowerParams,
  ) {
    const d = kernels.S.d;
    const nValueBins = new Int32Array(d);
    for (let f = 0; f < d; f++) nValueBins[f] = binner.nValueBins(f);
    kernels.setSplitConstraints(p, nValueBins);
  }

  /** Leaf slot ranges of the last grown tree (see TrainingKernels.addLeaves). */
  get leaves(): LeafRanges {
    return this.kernels.leaves;
  }

  /**
   * Grows one tree on the m sampled rows the caller gathered into slot buffer SAMPLED_ROWS
   * (sampled = true), or on all rows, using only `features`; gradients come with the slots.
   */
  grow(sampled: boolean, m: number, features: Int32Array): RegressionTree {
    const p = this.p;
    const kernels = this.kernels;
    kernels.setFeatures(features);
    const rootBuf = sampled ? SAMPLED_ROWS : ALL_ROWS;
    const gh = kernels.S.gh[rootBuf];
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

    const t0 = kernels.phases !== null ? performance.now() : 0;
    let g0 = 0;
    let h0 = 0;
    for (let j = 0; j < m; j++) {
      g0 += gh[2 * j];
      h0 += gh[2 * j + 1];
    }
    if (kernels.phases !== null) kernels.phases.add('rootSums', t0);
    const root: OpenNode = { id: addNode(h0), start: 0, end: m, buf: rootBuf, g: g0, h: h0, count: m, depth: 0, hist: -1, split: null };
    const open: OpenNode[] = [root];
    if (this.canSplit(root)) {
      root.hist = kernels.acquireHist();
      this.buildFor(root, root.hist, features);
      root.split = kernels.splitSearch(root.hist, root, -1, null, false, features.length)[0];
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
      // Children that are final leaves need only their rows (for the margins), not their data.
      const childrenAreLeaves =
        !this.canSplitStats(depth, s.leftCount, s.leftH) && !this.canSplitStats(depth, node.count - s.leftCount, node.h - s.leftH);
      const buf = kernels.partition(node.buf, node.start, node.end, s.feature, s.bin, s.missingLeft, s.leftCount, childrenAreLeaves);
      const nLeft = s.leftCount;
      const lNode: OpenNode = {
        id: addNode(s.leftH),
        start: node.start,
        end: node.start + nLeft,
        buf,
        g: s.leftG,
        h: s.leftH,
        count: s.leftCount,
        depth: node.depth + 1,
        hist: -1,
        split: null,
      };
      const rNode: OpenNode = {
        id: addNode(node.h - s.leftH),
        start: node.start + nLeft,
        end: node.end,
        buf,
        g: node.g - s.leftG,
        h: node.h - s.leftH,
        count: node.count - s.leftCount,
        depth: node.depth + 1,
        hist: -1,
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

      this.childSplits(node, lNode, rNode, features);
      open.push(lNode, rNode);
    }

    const leaves = this.leaves;
    leaves.count = 0;
    for (const node of open) {
      if (node.hist >= 0) kernels.releaseHist(node.hist);
      node.hist = -1;
      const v = node.h + p.lambda > 0 ? (-node.g / (node.h + p.lambda)) * p.learningRate : 0;
      value[node.id] = v;
      const k = leaves.count++;
      leaves.start[k] = node.start;
      leaves.end[k] = node.end;
      leaves.buf[k] = node.buf;
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

  private buildFor(node: OpenNode, hist: number, features: Int32Array): void {
    this.kernels.histogram(hist, node.buf, node.start, node.end, features.length);
  }

  /**
   * Gives each child that may still split its histogram and best split; the parent's histogram
   * becomes the larger child's (parent − smaller child) or is released.
   */
  private childSplits(parent: OpenNode, l: OpenNode, r: OpenNode, features: Int32Array): void {
    const k = this.kernels;
    const nf = features.length;
    const parentHist = parent.hist;
    parent.hist = -1;
    const needL = this.canSplit(l);
    const needR = this.canSplit(r);
    if (!needL && !needR) {
      k.releaseHist(parentHist);
      return;
    }
    if (!this.p.histogramSubtraction) {
      for (const [child, need] of [[l, needL], [r, needR]] as const) {
        if (!need) continue;
        child.hist = k.acquireHist();
        this.buildFor(child, child.hist, features);
        child.split = k.splitSearch(child.hist, child, -1, null, false, nf)[0];
      }
      k.releaseHist(parentHist);
      return;
    }
    const [small, large, needSmall, needLarge] = l.count <= r.count ? [l, r, needL, needR] : [r, l, needR, needL];
    const smallHist = k.acquireHist();
    this.buildFor(small, smallHist, features);
    // One pass per feature range: the larger child's histogram by subtraction, then both searches.
    const [smallSplit, largeSplit] = k.splitSearch(smallHist, needSmall ? small : null, needLarge ? parentHist : -1, needLarge ? large : null, needLarge, nf);
    if (needLarge) {
      large.hist = parentHist;
      large.split = largeSplit;
    } else {
      k.releaseHist(parentHist);
    }
    if (needSmall) {
      small.hist = smallHist;
      small.split = smallSplit;
    } else {
      k.releaseHist(smallHist);
    }
  }
}
