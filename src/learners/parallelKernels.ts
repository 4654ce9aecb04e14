// Runs the trainer's kernels (kernels.ts) on the calling thread alone, or split between it and
// nThreads - 1 worker threads that share the training state through SharedArrayBuffers. The
// trainer stays synchronous: the calling thread posts each worker its part, does part 0 itself,
// then waits (Atomics) for the others. How each kernel is split keeps every result the same
// whatever the thread count (see each method), so a model does not depend on the machine.
import { MessageChannel, MessagePort, Worker } from 'node:worker_threads';
import { FeatureMatrix } from './dataset';
import { FittedBinner } from './binner';
import { THRESHOLD_STRIDE } from './binKernels';
import {
  KERNELS,
  KernelState,
  K_BIN_ROWS,
  K_GATHER_SAMPLE,
  K_RELEASE_INPUTS,
  K_THRESHOLDS,
  K_COUNT_LEFT,
  K_GATHER,
  K_GRADIENT,
  K_HISTOGRAM,
  K_LEAVES,
  K_PARTITION,
  K_WALK_TREE,
  K_SPLIT,
} from './kernels';
import { instantiateWasmKernels, wasmKernelModule } from './wasmKernels';
import type { TrainingPhase, TrainingPhaseTimes } from './trainingPhases';

/** Rows per loss block of the gradient kernel (its blocks are summed in order: same loss for any thread count). */
const LOSS_BLOCK = 65536;
/** Validation rows per loss block of the tree walk (smaller: the validation set is a fifth of the rows or so). */
const VALID_LOSS_BLOCK = 8192;
/** Below this much work (slots, or slots × features for histograms) one part on the calling thread is faster. */
const MIN_ROWS_TO_SPLIT = 8192;
const MIN_CELLS_TO_SPLIT = 65536;

/** Slot buffer 2 is the data in original row order; buffer 0 takes a tree's sampled rows (see KernelState). */
export const ALL_ROWS = 2;
export const SAMPLED_ROWS = 0;

export interface KernelStateInit {
  /** The training features; binned into the trainer's row-major layout, `stride` bytes a row, by fitBinner() and binRows(). */
  x: FeatureMatrix;
  stride: number;
  labels: Float32Array | Uint8Array;
  weights?: Float32Array | Float64Array;
  /** The validation features (binned row-major, nFeatures bytes a row). */
  validX?: FeatureMatrix;
  validLabels?: Float32Array | Uint8Array;
  validWeights?: Float32Array | Float64Array;
  /** Ascending rows of x the bin thresholds are chosen from (binSampleRows). */
  sampleRows: Int32Array;
  maxLeaves: number;
}

/** Leaf slot ranges of a grown tree: leaf k holds slots [start, end) of slot buffer buf. */
export interface LeafRanges {
  count: number;
  start: Int32Array;
  end: Int32Array;
  buf: Int32Array;
  value: Float32Array;
}

/** A node's gradient and hessian sums and row count, for the split search. */
export interface NodeSums {
  g: number;
  h: number;
  count: number;
}

export interface SplitConstraints {
  lambda: number;
  minChildWeight: number;
  minSamplesLeaf: number;
  minSplitGain: number;
}

/** A node's best split: go left when bin ≤ `bin` (missing left when `missingLeft`). */
export interface SplitCandidate {
  feature: number;
  bin: number;
  missingLeft: boolean;
  gain: number;
  leftG: number;
  leftH: number;
  leftCount: number;
}

/** The arrays of a tree a walk kernel needs (RegressionTree fits). */
export interface WalkableTree {
  feature: Int32Array;
  binThreshold: Uint8Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float32Array;
}

// Worker control words (Int32, shared): the last command posted, the last one it finished, ready, exit.
const SEQ = 0;
const DONE = 1;
const READY = 2;
const EXIT = 3;
const CTRL_LENGTH = 4;
/** Polls (~0.2 ms) before sleeping in Atomics.wait: a tree's kernels follow each other within microseconds, and a futex wake-up costs more. */
const SPINS = 100_000;
/**
 * Commands posted to the workers live in a ring of slots (Int32, shared): [pieces, next piece to
 * claim, pieces done, -] then each piece's result, then each piece's kernel parameters. Every
 * thread takes the next unclaimed piece until none is left, so the calling thread never waits for
 * a worker that has not started (descheduled on a busy machine): it does the work itself. A
 * worker may fall at most RING commands behind before the calling thread waits for it, so a slot
 * is never reused while a worker may still claim from it.
 */
const RING = 128;
const IP_LENGTH = 16;
const MAX_PIECES = 64;
const PIECES = 0;
const NEXT = 1;
const PIECES_DONE = 2;
const RESULTS = 4;
const IPS = RESULTS + MAX_PIECES;
const SLOT_LENGTH = IPS + MAX_PIECES * IP_LENGTH;
const WORKER_START_TIMEOUT_MS = 30_000;
/** Histograms in WebAssembly memory: at most this many bytes of them (more use the JS loop). */
const WASM_HIST_AREA = 256 * 2 ** 20;
/** 2 GiB of 64 KiB pages: larger data keeps ordinary arrays and the JS loop. */
const WASM_MAX_PAGES = 32768;

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const KERNELS = [${KERNELS.map((k) => k.toString()).join(',\n')}];
const { ctrlBuf, ringBuf, port, S, wasm } = workerData;
if (wasm) S.wasm = new WebAssembly.Instance(wasm.module, { env: { mem: wasm.memory } }).exports;
const ctrl = new Int32Array(ctrlBuf);
const ring = new Int32Array(ringBuf);
Atomics.store(ctrl, ${READY}, 1);
Atomics.notify(ctrl, ${READY});
let seen = 0;
for (;;) {
  for (let i = 0; i < ${SPINS} && Atomics.load(ctrl, ${SEQ}) === seen; i++);
  Atomics.wait(ctrl, ${SEQ}, seen);
  seen = Atomics.load(ctrl, ${SEQ});
  if (Atomics.load(ctrl, ${EXIT}) === 1) break;
  const slot = (seen % ${RING}) * ${SLOT_LENGTH};
  const pieces = ring[slot + ${PIECES}];
  for (;;) {
    const k = Atomics.add(ring, slot + ${NEXT}, 1);
    if (k >= pieces) break;
    const ip = ring.subarray(slot + ${IPS} + k * ${IP_LENGTH}, slot + ${IPS} + (k + 1) * ${IP_LENGTH});
    // A histogram buffer made after start-up arrives on the port before the command that uses it.
    while ((ip[0] === ${K_HISTOGRAM} || ip[0] === ${K_SPLIT}) && (S.hists[ip[1]] === undefined || (ip[0] === ${K_SPLIT} && ip[2] >= 0 && S.hists[ip[2]] === undefined))) {
      const m = receiveMessageOnPort(port);
      if (m) S.hists[m.message.id] = m.message.hist;
    }
    ring[slot + ${RESULTS} + k] = KERNELS[ip[0]](S, ip);
    Atomics.add(ring, slot + ${PIECES_DONE}, 1);
    Atomics.notify(ring, slot + ${PIECES_DONE});
  }
  Atomics.store(ctrl, ${DONE}, seen);
  Atomics.notify(ctrl, ${DONE});
}
`;

interface WorkerHandle {
  worker: Worker;
  ctrl: Int32Array;
  port: MessagePort;
}

export class TrainingKernels {
  readonly S: KernelState;
  /** Threads in use: fewer than asked when worker threads cannot be started here. */
  nThreads: number;
  private readonly shared: boolean;
  private readonly workers: WorkerHandle[] = [];
  private readonly freeHists: number[] = [];
  private readonly histLength: number;
  private readonly memory: WebAssembly.Memory | null;
  private readonly histBase: number;
  private readonly ip = new Int32Array(IP_LENGTH);
  private readonly ring: Int32Array;
  /** The last command posted to the workers. */
  private seq = 0;
  readonly leaves: LeafRanges;
  private readonly rowMajor: boolean;
  private readonly validRowMajor: boolean;
  /** Wall time per phase, when the fit is profiled (see trainingPhases.ts). */
  phases: TrainingPhaseTimes | null = null;

  constructor(init: KernelStateInit, nThreads: number, useWasm = true) {
    const { nRows: n, nFeatures: d } = init.x;
    const stride = init.stride;
    this.nThreads = Math.max(1, nThreads);
    this.ring = new Int32Array(this.nThreads > 1 ? new SharedArrayBuffer(RING * SLOT_LENGTH * 4) : new ArrayBuffer(4));
    this.rowMajor = init.x.layout === 'row-major';
    this.validRowMajor = init.validX?.layout === 'row-major';
    const shared = this.nThreads > 1;
    this.shared = shared;
    this.histLength = d * 256 * 3;
    const f64 = (len: number): Float64Array => (shared ? new Float64Array(new SharedArrayBuffer(len * 8)) : new Float64Array(len));
    const i32 = (len: number): Int32Array => (shared ? new Int32Array(new SharedArrayBuffer(len * 4)) : new Int32Array(len));
    const u8 = (len: number): Uint8Array => (shared ? new Uint8Array(new SharedArrayBuffer(len)) : new Uint8Array(len));
    const f32 = (len: number): Float32Array => (shared ? new Float32Array(new SharedArrayBuffer(len * 4)) : new Float32Array(len));

    // The slot buffers (and the first histograms) go into one WebAssembly memory when its
    // histogram loop is available; else into ordinary (shared) arrays for the JS loop.
    const histBytes = this.histLength * 8;
    const nWasmHists = Math.min(init.maxLeaves + 2, Math.floor(WASM_HIST_AREA / histBytes));
    const slotBytes = (align16(n * stride) + align16(16 * n) + align16(4 * n)) * 3;
    const pages = Math.ceil((slotBytes + nWasmHists * histBytes) / 65536);
    const module = useWasm && pages <= WASM_MAX_PAGES ? wasmKernelModule(shared) : null;
    this.memory = module ? new WebAssembly.Memory({ initial: pages, maximum: pages, shared }) : null;
    let next = 0;
    const carve = (bytes: number): number => {
      const at = next;
      next += align16(bytes);
      return at;
    };
    const memory = this.memory;
    const slotU8 = (len: number): Uint8Array => (memory ? new Uint8Array(memory.buffer, carve(len), len) : u8(len));
    const slotF64 = (len: number): Float64Array => (memory ? new Float64Array(memory.buffer, carve(len * 8), len) : f64(len));
    const slotI32 = (len: number): Int32Array => (memory ? new Int32Array(memory.buffer, carve(len * 4), len) : i32(len));
    const bins = [slotU8(n * stride), slotU8(n * stride), slotU8(n * stride)];
    const gh = [slotF64(2 * n), slotF64(2 * n), slotF64(2 * n)];
    const rows = [slotI32(n), slotI32(n), slotI32(n)];
    this.histBase = next;
    for (let i = 0; i < n; i++) rows[2][i] = i;
    const labels = f32(n);
    labels.set(init.labels);
    let weights: Float64Array | null = null;
    if (init.weights) {
      weights = f64(n);
      weights.set(init.weights);
    }
    const validRows = init.validX?.nRows ?? 0;
    // Workers read the raw features from shared memory: a copy unless they are there already.
    const sharedCopy = (a: Float32Array): Float32Array => {
      if (!shared || a.buffer instanceof SharedArrayBuffer) return a;
      const c = new Float32Array(new SharedArrayBuffer(a.length * 4));
      c.set(a);
      return c;
    };
    const sampleRows = i32(init.sampleRows.length);
    sampleRows.set(init.sampleRows);
    const maxNodes = 2 * init.maxLeaves - 1;
    this.S = {
      n,
      d,
      stride,
      bins,
      words: bins.map((b) => new Int32Array(b.buffer, b.byteOffset, (n * stride) / 4)),
      gh,
      rows,
      raw: f64(n),
      labels,
      weights,
      loss: f64(2 * Math.ceil(n / LOSS_BLOCK)),
      sample: i32(n),
      validBins: u8(validRows * d),
      validRaw: f64(validRows),
      validLabels: f32(validRows),
      validWeights: init.validWeights ? f64(validRows) : null,
      validLoss: f64(2 * Math.ceil(validRows / VALID_LOSS_BLOCK)),
      x: sharedCopy(init.x.features),
      validX: init.validX ? sharedCopy(init.validX.features) : new Float32Array(0),
      sampleRows,
      sampleCols: f32(sampleRows.length * d),
      thresholds: f32(d * THRESHOLD_STRIDE),
      nThresholds: i32(d),
      treeNodes: i32(5 * maxNodes),
      treeValue: f64(maxNodes),
      leafRanges: i32(3 * init.maxLeaves),
      leafValue: f64(init.maxLeaves),
      features: i32(d),
      nValueBins: i32(d),
      splitArgs: f64(10),
      splitOut: f64(16 * MAX_PIECES),
      hists: [],
      // Set after the workers start (a function cannot be sent to them; they instantiate their own).
      wasm: null,
      wasmHists: module ? nWasmHists : 0,
    };
    if (init.validLabels) this.S.validLabels.set(init.validLabels);
    if (init.validWeights && this.S.validWeights) this.S.validWeights.set(init.validWeights);
    this.leaves = {
      count: 0,
      start: new Int32Array(init.maxLeaves),
      end: new Int32Array(init.maxLeaves),
      buf: new Int32Array(init.maxLeaves),
      value: new Float32Array(init.maxLeaves),
    };
    try {
      for (let t = 1; t < this.nThreads; t++) {
        const ctrlBuf = new SharedArrayBuffer(CTRL_LENGTH * 4);
        const { port1, port2 } = new MessageChannel();
        const wasm = module && memory ? { module, memory } : null;
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ctrlBuf, ringBuf: this.ring.buffer, port: port2, S: this.S, wasm }, transferList: [port2] });
        worker.unref();
        const ctrl = new Int32Array(ctrlBuf);
        this.workers.push({ worker, ctrl, port: port1 });
      }
      // A worker that cannot start would leave this thread waiting forever at its first part.
      for (const w of this.workers) {
        if (Atomics.wait(w.ctrl, READY, 0, WORKER_START_TIMEOUT_MS) === 'timed-out') throw new Error('worker did not start');
      }
    } catch {
      // No worker threads in this host (or none left): the same kernels run on this thread alone
      // (the shared arrays work as ordinary ones), with the same results.
      this.close();
    }
    this.nThreads = this.workers.length + 1;
    if (module && memory) this.S.wasm = instantiateWasmKernels(module, memory);
  }

  /**
   * Bin thresholds for at most maxValueBins value bins per feature from the sampled rows: the
   * sampled values gathered by row ranges, then each thread sorts a range of features.
   */
  fitBinner(maxValueBins: number): FittedBinner {
    const S = this.S;
    const m = S.sampleRows.length;
    const gatherParts = this.partsFor(m, MIN_ROWS_TO_SPLIT, 4);
    this.run('binThresholds', gatherParts, (ip, p) => {
      ip[0] = K_GATHER_SAMPLE;
      ip[1] = Math.floor((p * m) / gatherParts);
      ip[2] = Math.floor(((p + 1) * m) / gatherParts);
      ip[3] = this.rowMajor ? 1 : 0;
    });
    const parts = Math.min(this.partsFor(S.d, 1, 4), S.d);
    this.run('binThresholds', parts, (ip, p) => {
      ip[0] = K_THRESHOLDS;
      ip[1] = Math.floor((p * S.d) / parts);
      ip[2] = Math.floor(((p + 1) * S.d) / parts);
      ip[3] = maxValueBins;
    });
    return FittedBinner.fromState(S);
  }

  /**
   * Bins the training rows into slot buffer 2 (row-major, stride bytes a row) and the validation
   * rows into S.validBins (d bytes a row) by `binner`'s thresholds, split by rows; then the raw
   * features are let go.
   */
  binRows(binner: FittedBinner): void {
    const S = this.S;
    binner.writeThresholds(S);
    for (const valid of [false, true]) {
      const n = valid ? S.validRaw.length : S.n;
      if (n === 0) continue;
      const parts = this.partsFor(n, MIN_ROWS_TO_SPLIT, 4);
      this.run('binRows', parts, (ip, p) => {
        ip[0] = K_BIN_ROWS;
        ip[1] = Math.floor((p * n) / parts);
        ip[2] = Math.floor(((p + 1) * n) / parts);
        ip[3] = valid ? 1 : 0;
        ip[4] = valid ? S.d : S.stride;
        ip[5] = 1;
        ip[6] = (valid ? this.validRowMajor : this.rowMajor) ? 1 : 0;
        ip[7] = n;
      });
    }
    this.run('binRows', this.nThreads, (ip) => {
      ip[0] = K_RELEASE_INPUTS;
    });
  }

  /** The split search's constraints and each feature's number of value bins, for the whole fit. */
  setSplitConstraints(c: SplitConstraints, nValueBins: Int32Array): void {
    const a = this.S.splitArgs;
    a[0] = c.lambda;
    a[1] = c.minChildWeight;
    a[2] = c.minSamplesLeaf;
    a[3] = c.minSplitGain;
    this.S.nValueBins.set(nValueBins);
  }

  /**
   * Best splits over the first nf features of setFeatures() of node `a` (histogram histA) and,
   * when histB ≥ 0, node `b` (histogram histB; made histB − histA first when `subtract`: the
   * parent's histogram becomes the larger child's). A null node is not searched, and a null
   * result means no split passes the constraints. Threads take ranges of features, and their
   * results are combined in feature order keeping the first of equal gains: the one-thread result.
   */
  splitSearch(histA: number, a: NodeSums | null, histB: number, b: NodeSums | null, subtract: boolean, nf: number): [SplitCandidate | null, SplitCandidate | null] {
    const S = this.S;
    const args = S.splitArgs;
    if (a) {
      args[4] = a.g;
      args[5] = a.h;
      args[6] = a.count;
    }
    if (b) {
      args[7] = b.g;
      args[8] = b.h;
      args[9] = b.count;
    }
    const parts = Math.min(this.partsFor(nf, 1, 2), nf);
    this.run('splitSearch', parts, (ip, p) => {
      ip[0] = K_SPLIT;
      ip[1] = histA;
      ip[2] = histB;
      ip[3] = subtract ? 1 : 0;
      ip[4] = a ? 1 : 0;
      ip[5] = b ? 1 : 0;
      ip[6] = Math.floor((p * nf) / parts);
      ip[7] = Math.floor(((p + 1) * nf) / parts);
      ip[8] = p;
    });
    const best = (node: number): SplitCandidate | null => {
      let bestPart = -1;
      for (let p = 0; p < parts; p++) {
        const o = p * 16 + node * 8;
        if (S.splitOut[o] === 1 && (bestPart < 0 || S.splitOut[o + 4] > S.splitOut[bestPart * 16 + node * 8 + 4])) bestPart = p;
      }
      if (bestPart < 0) return null;
      const o = bestPart * 16 + node * 8;
      const out = S.splitOut;
      return { feature: out[o + 1], bin: out[o + 2], missingLeft: out[o + 3] === 1, gain: out[o + 4], leftG: out[o + 5], leftH: out[o + 6], leftCount: out[o + 7] };
    };
    return [a ? best(0) : null, b ? best(1) : null];
  }

  /** A histogram buffer id (see hist()); buffers are reused across nodes and trees. */
  acquireHist(): number {
    const free = this.freeHists.pop();
    if (free !== undefined) return free;
    const id = this.S.hists.length;
    const hist = this.memory && id < this.S.wasmHists
      ? new Float64Array(this.memory.buffer, this.histBase + id * this.histLength * 8, this.histLength)
      : this.shared ? new Float64Array(new SharedArrayBuffer(this.histLength * 8)) : new Float64Array(this.histLength);
    this.S.hists.push(hist);
    for (const w of this.workers) w.port.postMessage({ id, hist });
    return id;
  }

  releaseHist(id: number): void {
    this.freeHists.push(id);
  }

  hist(id: number): Float64Array {
    return this.S.hists[id];
  }

  /**
   * Runs a kernel in `parts` pieces: `fill(ip, piece)` sets each piece's parameters. With more
   * than one, the pieces are posted to the workers and every thread, this one included, claims
   * the next piece until none is left; this thread then waits only for pieces a worker has
   * started. Returns each piece's result. Pieces give the same results whichever thread runs them.
   */
  private run(phase: TrainingPhase, parts: number, fill: (ip: Int32Array, part: number) => void): number[] {
    const t0 = this.phases !== null ? performance.now() : 0;
    let results: number[];
    if (parts <= 1 || this.workers.length === 0) {
      results = [];
      for (let p = 0; p < parts; p++) {
        fill(this.ip, p);
        results.push(KERNELS[this.ip[0]](this.S, this.ip));
      }
    } else {
      results = this.runPosted(parts, fill);
    }
    if (this.phases !== null) this.phases.add(phase, t0);
    return results;
  }

  private runPosted(parts: number, fill: (ip: Int32Array, part: number) => void): number[] {
    const ring = this.ring;
    const seq = ++this.seq;
    const slot = (seq % RING) * SLOT_LENGTH;
    // A worker RING commands behind could still claim from this slot: wait for it (rare).
    for (const w of this.workers) {
      while (Atomics.load(w.ctrl, DONE) < seq - RING) Atomics.wait(w.ctrl, DONE, Atomics.load(w.ctrl, DONE), 10);
    }
    for (let p = 0; p < parts; p++) fill(ring.subarray(slot + IPS + p * IP_LENGTH, slot + IPS + (p + 1) * IP_LENGTH), p);
    ring[slot + PIECES] = parts;
    ring[slot + PIECES_DONE] = 0;
    Atomics.store(ring, slot + NEXT, 0);
    for (const w of this.workers) {
      Atomics.store(w.ctrl, SEQ, seq);
      Atomics.notify(w.ctrl, SEQ);
    }
    for (;;) {
      const k = Atomics.add(ring, slot + NEXT, 1);
      if (k >= parts) break;
      const ip = ring.subarray(slot + IPS + k * IP_LENGTH, slot + IPS + (k + 1) * IP_LENGTH);
      ring[slot + RESULTS + k] = KERNELS[ip[0]](this.S, ip);
      Atomics.add(ring, slot + PIECES_DONE, 1);
    }
    const waitFrom = this.phases !== null ? performance.now() : 0;
    for (let i = 0; i < SPINS && Atomics.load(ring, slot + PIECES_DONE) < parts; i++);
    for (;;) {
      const done = Atomics.load(ring, slot + PIECES_DONE);
      if (done >= parts) break;
      Atomics.wait(ring, slot + PIECES_DONE, done);
    }
    if (this.phases !== null) this.phases.waitMs += performance.now() - waitFrom;
    return Array.from(ring.subarray(slot + RESULTS, slot + RESULTS + parts));
  }

  /**
   * Pieces for `work` units: `perThread` per thread when there is enough work, else one (this
   * thread alone). More pieces than threads let a thread that runs while another is held up by
   * the machine's other load take over more of the work.
   */
  private partsFor(work: number, min: number, perThread = 1): number {
    return work >= min && this.workers.length > 0 ? Math.min(MAX_PIECES, this.nThreads * perThread) : 1;
  }

  /**
   * Gradients and hessians of every training row at the current margins (S.raw) into buffer 2;
   * returns the weighted mean loss there. Rows are split on loss-block boundaries and the blocks'
   * sums added in order, so the loss is the same for any thread count.
   */
  gradients(): number {
    const S = this.S;
    const nBlocks = Math.ceil(S.n / LOSS_BLOCK);
    const parts = Math.min(this.partsFor(nBlocks, 1, 4), nBlocks);
    this.run('gradients', parts, (ip, p) => {
      ip[0] = K_GRADIENT;
      ip[1] = Math.min(S.n, Math.floor((p * nBlocks) / parts) * LOSS_BLOCK);
      ip[2] = Math.min(S.n, Math.floor(((p + 1) * nBlocks) / parts) * LOSS_BLOCK);
    });
    let loss = 0;
    let wsum = 0;
    for (let k = 0; k < nBlocks; k++) {
      loss += S.loss[2 * k];
      wsum += S.loss[2 * k + 1];
    }
    return loss / wsum;
  }

  /** Slots 0..m-1 of buffer 0 ← the rows S.sample[0..m) of buffer 2. */
  gather(m: number): void {
    const parts = this.partsFor(m, MIN_ROWS_TO_SPLIT, 4);
    this.run('sampling', parts, (ip, p) => {
      ip[0] = K_GATHER;
      ip[1] = Math.floor((p * m) / parts);
      ip[2] = Math.floor(((p + 1) * m) / parts);
    });
  }

  /** The tree's features (ascending) for the next histogram builds. */
  setFeatures(features: Int32Array): void {
    this.S.features.set(features);
  }

  /**
   * hist(id) ← histogram of slots [start, end) of buffer buf over `nf` features (all of them when
   * nf = d, else the first nf of setFeatures()). Threads take different features, so every bin is
   * summed over the same slots in the same order as on one thread.
   */
  histogram(id: number, buf: number, start: number, end: number, nf: number): void {
    const d = this.S.d;
    const all = nf === d;
    // With all features the unit is a 32-bit word of 4 features; the d % 4 tail goes with the last part.
    const units = all ? d >> 2 : nf;
    const tail = all && d % 4 !== 0;
    const parts = Math.min(this.partsFor((end - start) * nf, MIN_CELLS_TO_SPLIT, 2), Math.max(1, units));
    this.run('histograms', parts, (ip, p) => {
      ip[0] = K_HISTOGRAM;
      ip[1] = id;
      ip[2] = buf;
      ip[3] = start;
      ip[4] = end;
      ip[5] = Math.floor((p * units) / parts);
      ip[6] = Math.floor(((p + 1) * units) / parts);
      ip[7] = all ? 1 : 0;
      ip[8] = tail && p === parts - 1 ? 1 : 0;
    });
  }

  /**
   * Stable partition of slots [start, end) of buffer `buf` by (feature, bin ≤ threshold, missing
   * left) into the same slots of another buffer, which it returns; `nLeft` (from the histogram)
   * places the right side. Two threads: the first half is written forward from the front of each
   * side, the second backward from the back. More: each part's left count first, then all
   * forward. The slot order is that of a one-thread stable partition in every case. `rowsOnly`
   * moves only row ids (for children that are final leaves: only their rows are needed).
   */
  partition(buf: number, start: number, end: number, feature: number, threshold: number, missingLeft: boolean, nLeft: number, rowsOnly: boolean): number {
    const dst = buf === 0 ? 1 : 0;
    const count = end - start;
    const parts = Math.min(this.partsFor(count, MIN_ROWS_TO_SPLIT), count);
    const bound = (p: number): number => start + Math.floor((p * count) / parts);
    const setSplit = (ip: Int32Array): void => {
      ip[5] = feature;
      ip[6] = threshold;
      ip[7] = missingLeft ? 1 : 0;
      ip[11] = rowsOnly ? 1 : 0;
    };
    let lefts: number[];
    if (parts <= 2) {
      lefts = this.run('partitions', parts, (ip, p) => {
        ip[0] = K_PARTITION;
        ip[1] = buf;
        ip[2] = dst;
        ip[3] = bound(p);
        ip[4] = bound(p + 1);
        setSplit(ip);
        ip[8] = p;
        ip[9] = start + nLeft;
        ip[10] = p === 0 ? start + nLeft : end;
        if (p === 0) ip[9] = start;
      });
    } else {
      const counts = this.run('partitions', parts, (ip, p) => {
        ip[0] = K_COUNT_LEFT;
        ip[1] = buf;
        ip[2] = bound(p);
        ip[3] = bound(p + 1);
        ip[4] = feature;
        ip[5] = threshold;
        ip[6] = missingLeft ? 1 : 0;
      });
      const leftAt: number[] = [];
      const rightAt: number[] = [];
      let l = start;
      let r = start + nLeft;
      for (let p = 0; p < parts; p++) {
        leftAt.push(l);
        rightAt.push(r);
        l += counts[p];
        r += bound(p + 1) - bound(p) - counts[p];
      }
      lefts = this.run('partitions', parts, (ip, p) => {
        ip[0] = K_PARTITION;
        ip[1] = buf;
        ip[2] = dst;
        ip[3] = bound(p);
        ip[4] = bound(p + 1);
        setSplit(ip);
        ip[8] = 0;
        ip[9] = leftAt[p];
        ip[10] = rightAt[p];
      });
    }
    const got = lefts.reduce((a, b) => a + b, 0);
    // The histogram's count and the partition must agree, or the slots would be corrupt.
    if (got !== nLeft) throw new Error(`TrainingKernels.partition: ${got} rows went left, the histogram counted ${nLeft}`);
    return dst;
  }

  /** Adds each leaf's value (this.leaves) to the margins of its rows; m = slots in use. */
  addLeaves(m: number): void {
    const S = this.S;
    const lv = this.leaves;
    for (let k = 0; k < lv.count; k++) {
      S.leafRanges[3 * k] = lv.start[k];
      S.leafRanges[3 * k + 1] = lv.end[k];
      S.leafRanges[3 * k + 2] = lv.buf[k];
      S.leafValue[k] = lv.value[k];
    }
    const parts = this.partsFor(m, MIN_ROWS_TO_SPLIT, 4);
    this.run('trainMargins', parts, (ip, p) => {
      ip[0] = K_LEAVES;
      ip[1] = Math.floor((p * m) / parts);
      ip[2] = Math.floor(((p + 1) * m) / parts);
      ip[3] = lv.count;
    });
  }

  /** Writes the tree where the walk kernel reads it. */
  private setTree(tree: WalkableTree): void {
    const S = this.S;
    const nodes = tree.feature.length;
    for (let i = 0; i < nodes; i++) {
      S.treeNodes[5 * i] = tree.feature[i];
      S.treeNodes[5 * i + 1] = tree.binThreshold[i];
      S.treeNodes[5 * i + 2] = tree.missingLeft[i];
      S.treeNodes[5 * i + 3] = tree.left[i];
      S.treeNodes[5 * i + 4] = tree.right[i];
      S.treeValue[i] = tree.value[i];
    }
  }

  /** Adds the tree's output to all training margins (after a tree grown on sampled rows). */
  addTree(tree: WalkableTree): void {
    const S = this.S;
    this.setTree(tree);
    const n = S.n;
    const parts = this.partsFor(n, MIN_ROWS_TO_SPLIT, 4);
    this.run('trainMargins', parts, (ip, p) => {
      ip[0] = K_WALK_TREE;
      ip[1] = 0;
      ip[2] = Math.floor((p * n) / parts);
      ip[3] = Math.floor(((p + 1) * n) / parts);
    });
  }

  /**
   * Adds the tree's output to the validation margins and returns the weighted mean logistic loss
   * at the new margins. Rows are split on loss-block boundaries and the blocks' sums added in
   * order, so the loss is the same for any thread count.
   */
  addTreeToValidation(tree: WalkableTree): number {
    const S = this.S;
    this.setTree(tree);
    const n = S.validRaw.length;
    const nBlocks = Math.ceil(n / VALID_LOSS_BLOCK);
    const parts = Math.min(this.partsFor(n, MIN_ROWS_TO_SPLIT, 4), nBlocks);
    this.run('validMargins', parts, (ip, p) => {
      ip[0] = K_WALK_TREE;
      ip[1] = 1;
      ip[2] = Math.min(n, Math.floor((p * nBlocks) / parts) * VALID_LOSS_BLOCK);
      ip[3] = Math.min(n, Math.floor(((p + 1) * nBlocks) / parts) * VALID_LOSS_BLOCK);
    });
    let loss = 0;
    let wsum = 0;
    for (let k = 0; k < nBlocks; k++) {
      loss += S.validLoss[2 * k];
      wsum += S.validLoss[2 * k + 1];
    }
    return wsum > 0 ? loss / wsum : NaN;
  }

  close(): void {
    const seq = ++this.seq;
    for (const w of this.workers) {
      Atomics.store(w.ctrl, EXIT, 1);
      Atomics.store(w.ctrl, SEQ, seq);
      Atomics.notify(w.ctrl, SEQ);
      w.port.close();
      void w.worker.terminate();
    }
    this.workers.length = 0;
  }
}
