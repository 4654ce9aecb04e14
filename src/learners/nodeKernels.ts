// Runs the two per-node kernels (histogram build, slot partition) on the calling thread, or split
// by slot ranges across worker threads sharing the SlotBuffers through SharedArrayBuffers. The
// trainer stays synchronous: the main thread does its part, then Atomics.wait()s for the workers.
import { Worker } from 'node:worker_threads';
import { accumulateHistogram, clearHistogram, histogramLength } from './histogram';
import { SlotBuffers, mergePartitionParts, partitionSlots } from './partition';

export interface NodeKernels {
  /** hist ← histogram of slots [start, end) over `features`. */
  build(hist: Float64Array, features: Int32Array, start: number, end: number): void;
  /** Stable partition of slots [start, end); returns the number going left. */
  partition(start: number, end: number, feature: number, threshold: number, missingLeft: boolean): number;
  close(): void;
}

export function allocFloat64(n: number, shared: boolean): Float64Array {
  return shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n);
}

export function allocInt32(n: number, shared: boolean): Int32Array {
  return shared ? new Int32Array(new SharedArrayBuffer(n * 4)) : new Int32Array(n);
}

export function allocUint8(n: number, shared: boolean): Uint8Array {
  return shared ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n);
}

/** Allocates slot buffers for n rows × d features (shared = usable by worker threads). */
export function allocSlotBuffers(n: number, d: number, stride: number, shared: boolean): SlotBuffers {
  const bins = allocUint8(n * stride, shared);
  return {
    bins,
    work: new Int32Array(bins.buffer, 0, (n * stride) / 4),
    stride,
    nFeatures: d,
    gh: allocFloat64(2 * n, shared),
    rows: allocInt32(n, shared),
    tmp: allocInt32((n * stride) / 4, shared),
    tmpGh: allocFloat64(2 * n, shared),
    tmpRows: allocInt32(n, shared),
  };
}

export class SingleThreadKernels implements NodeKernels {
  constructor(private readonly b: SlotBuffers) {}

  build(hist: Float64Array, features: Int32Array, start: number, end: number): void {
    const b = this.b;
    clearHistogram(hist, features, features.length);
    accumulateHistogram(hist, b.bins, b.work, b.stride, b.nFeatures, features, features.length, b.gh, start, end);
  }

  partition(start: number, end: number, feature: number, threshold: number, missingLeft: boolean): number {
    const b = this.b;
    const nLeft = partitionSlots(b.bins, b.stride, b.work, b.gh, b.rows, b.tmp, b.tmpGh, b.tmpRows, start, end, feature, threshold, missingLeft);
    return mergePartitionParts(b, [start, end], [nLeft]);
  }

  close(): void {}
}

// Control words shared with each worker.
const SEQ = 0;
const DONE = 1;
const START = 2;
const END = 3;
const NF = 4;
const CMD = 5;
const FEATURE = 6;
const THRESHOLD = 7;
const MISSING_LEFT = 8;
const RESULT = 9;
const CMD_HISTOGRAM = 1;
const CMD_PARTITION = 2;
const CMD_EXIT = 3;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const accumulateHistogram = ${accumulateHistogram.toString()};
const partitionSlots = ${partitionSlots.toString()};
const { ctrlBuf, histBuf, featsBuf, buffers } = workerData;
const ctrl = new Int32Array(ctrlBuf);
const hist = new Float64Array(histBuf);
const feats = new Int32Array(featsBuf);
const b = {
  bins: new Uint8Array(buffers.bins),
  work: new Int32Array(buffers.bins),
  gh: new Float64Array(buffers.gh),
  rows: new Int32Array(buffers.rows),
  tmp: new Int32Array(buffers.tmp),
  tmpGh: new Float64Array(buffers.tmpGh),
  tmpRows: new Int32Array(buffers.tmpRows),
};
const { stride, d } = buffers;
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  seen = Atomics.load(ctrl, ${SEQ});
  const cmd = ctrl[${CMD}];
  if (cmd === ${CMD_EXIT}) break;
  if (cmd === ${CMD_HISTOGRAM}) {
    const nf = ctrl[${NF}];
    for (let k = 0; k < nf; k++) hist.fill(0, feats[k] * 768, (feats[k] + 1) * 768);
    accumulateHistogram(hist, b.bins, b.work, stride, d, feats, nf, b.gh, ctrl[${START}], ctrl[${END}]);
  } else {
    ctrl[${RESULT}] = partitionSlots(b.bins, stride, b.work, b.gh, b.rows, b.tmp, b.tmpGh, b.tmpRows,
      ctrl[${START}], ctrl[${END}], ctrl[${FEATURE}], ctrl[${THRESHOLD}], ctrl[${MISSING_LEFT}] === 1);
  }
  Atomics.store(ctrl, ${DONE}, seen);
  Atomics.notify(ctrl, ${DONE});
}
`;

interface WorkerHandle {
  worker: Worker;
  ctrl: Int32Array;
  hist: Float64Array;
  feats: Int32Array;
}

/** Main thread plus nThreads-1 workers; slot buffers must be SharedArrayBuffer-backed. */
export class ParallelKernels implements NodeKernels {
  private readonly workers: WorkerHandle[] = [];
  private readonly single: SingleThreadKernels;
  private seq = 0;

  constructor(
    private readonly b: SlotBuffers,
    nThreads: number,
    /** Ranges with fewer slots run on the main thread only. */
    private readonly minSlotsToSplit = 16_384,
  ) {
    const arrays = [b.bins, b.gh, b.rows, b.tmp, b.tmpGh, b.tmpRows];
    if (!arrays.every((a) => a.buffer instanceof SharedArrayBuffer)) throw new Error('ParallelKernels needs SharedArrayBuffer-backed slot buffers');
    this.single = new SingleThreadKernels(b);
    const buffers = {
      bins: b.bins.buffer,
      gh: b.gh.buffer,
      rows: b.rows.buffer,
      tmp: b.tmp.buffer,
      tmpGh: b.tmpGh.buffer,
      tmpRows: b.tmpRows.buffer,
      stride: b.stride,
      d: b.nFeatures,
    };
    for (let t = 1; t < nThreads; t++) {
      const ctrlBuf = new SharedArrayBuffer(16 * 4);
      const histBuf = new SharedArrayBuffer(histogramLength(b.nFeatures) * 8);
      const featsBuf = new SharedArrayBuffer(b.nFeatures * 4);
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ctrlBuf, histBuf, featsBuf, buffers } });
      worker.unref();
      this.workers.push({ worker, ctrl: new Int32Array(ctrlBuf), hist: new Float64Array(histBuf), feats: new Int32Array(featsBuf) });
    }
  }

  /** Splits [start, end) into workers+1 ranges; range 0 is the main thread's. */
  private bounds(start: number, end: number): number[] {
    const parts = this.workers.length + 1;
    const chunk = Math.ceil((end - start) / parts);
    return Array.from({ length: parts + 1 }, (_, p) => Math.min(end, start + chunk * p));
  }

  private dispatch(bounds: number[], setup: (ctrl: Int32Array, w: WorkerHandle) => void): number {
    const seq = ++this.seq;
    this.workers.forEach((w, t) => {
      w.ctrl[START] = bounds[t + 1];
      w.ctrl[END] = bounds[t + 2];
      setup(w.ctrl, w);
      Atomics.store(w.ctrl, SEQ, seq);
      Atomics.notify(w.ctrl, SEQ);
    });
    return seq;
  }

  private wait(w: WorkerHandle, seq: number): void {
    for (;;) {
      const done = Atomics.load(w.ctrl, DONE);
      if (done === seq) return;
      Atomics.wait(w.ctrl, DONE, done);
    }
  }

  build(hist: Float64Array, features: Int32Array, start: number, end: number): void {
    if (end - start < this.minSlotsToSplit || this.workers.length === 0) return this.single.build(hist, features, start, end);
    const b = this.b;
    const nf = features.length;
    const bounds = this.bounds(start, end);
    const seq = this.dispatch(bounds, (ctrl, w) => {
      w.feats.set(features);
      ctrl[NF] = nf;
      ctrl[CMD] = CMD_HISTOGRAM;
    });
    clearHistogram(hist, features, nf);
    accumulateHistogram(hist, b.bins, b.work, b.stride, b.nFeatures, features, nf, b.gh, bounds[0], bounds[1]);
    for (const w of this.workers) {
      this.wait(w, seq);
      for (let k = 0; k < nf; k++) {
        const base = features[k] * 768;
        for (let o = base; o < base + 768; o++) hist[o] += w.hist[o];
      }
    }
  }

  partition(start: number, end: number, feature: number, threshold: number, missingLeft: boolean): number {
    if (end - start < this.minSlotsToSplit || this.workers.length === 0) return this.single.partition(start, end, feature, threshold, missingLeft);
    const b = this.b;
    const bounds = this.bounds(start, end);
    const seq = this.dispatch(bounds, (ctrl) => {
      ctrl[FEATURE] = feature;
      ctrl[THRESHOLD] = threshold;
      ctrl[MISSING_LEFT] = missingLeft ? 1 : 0;
      ctrl[CMD] = CMD_PARTITION;
    });
    const nLeft = [partitionSlots(b.bins, b.stride, b.work, b.gh, b.rows, b.tmp, b.tmpGh, b.tmpRows, bounds[0], bounds[1], feature, threshold, missingLeft)];
    for (const w of this.workers) {
      this.wait(w, seq);
      nLeft.push(w.ctrl[RESULT]);
    }
    return mergePartitionParts(b, bounds, nLeft);
  }

  close(): void {
    for (const w of this.workers) {
      w.ctrl[CMD] = CMD_EXIT;
      Atomics.store(w.ctrl, SEQ, ++this.seq);
      Atomics.notify(w.ctrl, SEQ);
      void w.worker.terminate();
    }
    this.workers.length = 0;
  }
}
