// The two hottest loops of the trainer (kernels.ts) as WebAssembly functions with 128-bit SIMD,
// assembled here byte by byte (no compiler, nothing to build or download). Pointers are byte
// offsets into the imported memory "env"."mem", where the slot buffers live.
//
// hist(histPtr, wordsPtr, ghPtr, start, end, q0, q1, w): for slots j in [start, end) and 32-bit
// words q in [q0, q1) of each row (4 bins, low byte first), adds gh[j] = (g, h) and 1 (the count)
// to the histogram [(f*256 + bin)*3 + {g, h, count}] of f64 at histPtr; words are w Int32 per
// slot. Measured 2x faster than the JS loop with bit-identical sums: each (g, h) pair is added as
// one f64x2 to the bin's adjacent doubles, and wasm memory accesses carry no bounds checks. Same
// order of additions as the JS loop, hence the same results.
//
// part(srcBins, srcGh, srcRows, dstBins, dstGh, dstRows, start, end, f, threshold, missingLeft,
// backward, l, r, stride, rowsOnly) → left count: partitionKernel's loop (same arguments, same
// result), each row moved with 16-byte vector copies.

// The project compiles without the DOM library, which is where TypeScript declares WebAssembly;
// node has it as a global. What this code uses of it:
declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: Uint8Array);
    }
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
      readonly buffer: ArrayBuffer | SharedArrayBuffer;
    }
    class Instance {
      constructor(module: Module, imports: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
    function validate(bytes: Uint8Array): boolean;
  }
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 127;
    n >>>= 7;
    if (n !== 0) b |= 128;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 127;
    n >>= 7;
    if ((n === 0 && (b & 64) === 0) || (n === -1 && (b & 64) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 128);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Opcodes (WebAssembly core spec 2.0, binary format).
const I32 = 0x7f;
const V128 = 0x7b;
const BLOCK = 0x02;
const LOOP = 0x03;
const VOID = 0x40;
const END = 0x0b;
const BR_IF = 0x0d;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_LOAD = 0x28;
const F64_LOAD = 0x2b;
const F64_STORE = 0x39;
const I32_CONST = 0x41;
const F64_CONST = 0x44;
const I32_LT_S = 0x48;
const I32_GE_S = 0x4e;
const F64_ADD = 0xa0;
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_AND = 0x71;
const I32_SHL = 0x74;
const I32_SHR_U = 0x76;
const SIMD = 0xfd;
const V128_LOAD = 0x00;
const V128_STORE = 0x0b;
const F64X2_ADD = 0xf0;
const IF = 0x04;
const ELSE = 0x05;
const BR = 0x0c;
const SELECT = 0x1b;
const I32_LOAD8_U = 0x2d;
const I32_STORE = 0x36;
const I32_EQZ = 0x45;
const I32_EQ = 0x46;
const I32_GT_S = 0x4a;
const I32_LE_S = 0x4c;
const I32_LE_U = 0x4d;
const I32_SUB = 0x6b;

const get = (i: number): number[] => [LOCAL_GET, ...uleb(i)];
const set = (i: number): number[] => [LOCAL_SET, ...uleb(i)];
const tee = (i: number): number[] => [LOCAL_TEE, ...uleb(i)];
const i32 = (v: number): number[] => [I32_CONST, ...sleb(v)];
/** Memory access with its alignment hint (log2) and constant offset. */
const memarg = (align: number, offset: number): number[] => [...uleb(align), ...uleb(offset)];
const simd = (op: number, ...rest: number[]): number[] => [SIMD, ...uleb(op), ...rest];
const f64 = (v: number): number[] => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return [F64_CONST, ...b];
};

/** Bytes of one feature's histogram (256 bins × 3 f64) and of the 4 features of a word. */
const FEATURE_BYTES = 256 * 3 * 8;
const WORD_BYTES = 4 * FEATURE_BYTES;

/** Function bodies are built by emitting into a byte list. */
function emitter(): { body: number[]; emit: (...parts: (number | number[])[]) => void } {
  const body: number[] = [];
  const emit = (...parts: (number | number[])[]): void => {
    for (const p of parts) {
      if (Array.isArray(p)) body.push(...p);
      else body.push(p);
    }
  };
  return { body, emit };
}

function histBody(): number[] {
  // Parameters 0..7, then locals.
  const [HIST, WORDS, GH, START, END_, Q0, Q1, W] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [J, ROWP, BASE, Q, X, O, GHV] = [8, 9, 10, 11, 12, 13, 14];
  const { body, emit } = emitter();
  emit(get(START), set(J));
  emit(BLOCK, VOID, get(J), get(END_), I32_GE_S, BR_IF, 0);
  emit(LOOP, VOID);
  // ghv = the slot's (g, h); rowp = its word q0; base = the histogram of word q0's features.
  emit(get(GH), get(J), i32(4), I32_SHL, I32_ADD, simd(V128_LOAD, ...memarg(3, 0)), set(GHV));
  emit(get(WORDS), get(J), get(W), I32_MUL, get(Q0), I32_ADD, i32(2), I32_SHL, I32_ADD, set(ROWP));
  emit(get(HIST), get(Q0), i32(WORD_BYTES), I32_MUL, I32_ADD, set(BASE));
  emit(get(Q0), set(Q));
  emit(BLOCK, VOID, get(Q), get(Q1), I32_GE_S, BR_IF, 0);
  emit(LOOP, VOID);
  emit(get(ROWP), I32_LOAD, ...memarg(2, 0), set(X));
  for (let k = 0; k < 4; k++) {
    // o = base + bin_k * 24; feature k of the word is at the constant offset k * FEATURE_BYTES.
    emit(get(BASE), get(X));
    if (k > 0) emit(i32(8 * k), I32_SHR_U);
    if (k < 3) emit(i32(255), I32_AND);
    emit(i32(24), I32_MUL, I32_ADD, set(O));
    emit(get(O), get(O), simd(V128_LOAD, ...memarg(3, k * FEATURE_BYTES)), get(GHV), simd(F64X2_ADD), simd(V128_STORE, ...memarg(3, k * FEATURE_BYTES)));
    emit(get(O), get(O), F64_LOAD, ...memarg(3, k * FEATURE_BYTES + 16), f64(1), F64_ADD, F64_STORE, ...memarg(3, k * FEATURE_BYTES + 16));
  }
  emit(get(ROWP), i32(4), I32_ADD, set(ROWP));
  emit(get(BASE), i32(WORD_BYTES), I32_ADD, set(BASE));
  emit(get(Q), i32(1), I32_ADD, tee(Q), get(Q1), I32_LT_S, BR_IF, 0);
  emit(END, END);
  emit(get(J), i32(1), I32_ADD, tee(J), get(END_), I32_LT_S, BR_IF, 0);
  emit(END, END, END);
  return [...vec([[...uleb(6), I32], [...uleb(1), V128]]), ...body];
}

function partBody(): number[] {
  const [SB, SG, SR, DB, DG, DR, START, END_, F, THR, MISS, BACK, L0, R0, STRIDE, ROWS_ONLY] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const [J, STEP, L, R, N_LEFT, COUNT, TO, B, K, SRC, DST] = [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26];
  const { body, emit } = emitter();
  // Forward: step 1 from start, l/r as given; backward: step -1 from end - 1, l/r one below.
  emit(get(BACK), IF, VOID, i32(-1), set(STEP), get(END_), i32(1), I32_SUB, set(J), get(L0), i32(1), I32_SUB, set(L), get(R0), i32(1), I32_SUB, set(R));
  emit(ELSE, i32(1), set(STEP), get(START), set(J), get(L0), set(L), get(R0), set(R), END);
  emit(get(END_), get(START), I32_SUB, set(COUNT));
  emit(BLOCK, VOID, get(COUNT), i32(0), I32_LE_S, BR_IF, 0);
  emit(LOOP, VOID);
  // b = bin of feature f; left when (b == 255 ? missingLeft : b <= threshold).
  emit(get(SB), get(J), get(STRIDE), I32_MUL, I32_ADD, get(F), I32_ADD, I32_LOAD8_U, ...memarg(0, 0), set(B));
  emit(get(MISS), get(B), get(THR), I32_LE_U, get(B), i32(255), I32_EQ, SELECT);
  emit(IF, VOID, get(L), set(TO), get(L), get(STEP), I32_ADD, set(L), get(N_LEFT), i32(1), I32_ADD, set(N_LEFT));
  emit(ELSE, get(R), set(TO), get(R), get(STEP), I32_ADD, set(R), END);
  emit(get(DR), get(TO), i32(2), I32_SHL, I32_ADD, get(SR), get(J), i32(2), I32_SHL, I32_ADD, I32_LOAD, ...memarg(2, 0), I32_STORE, ...memarg(2, 0));
  emit(get(ROWS_ONLY), I32_EQZ, IF, VOID);
  emit(get(DG), get(TO), i32(4), I32_SHL, I32_ADD, get(SG), get(J), i32(4), I32_SHL, I32_ADD, simd(V128_LOAD, ...memarg(3, 0)), simd(V128_STORE, ...memarg(3, 0)));
  // The row's stride bytes: 16 at a time, then 4 at a time.
  emit(get(SB), get(J), get(STRIDE), I32_MUL, I32_ADD, set(SRC), get(DB), get(TO), get(STRIDE), I32_MUL, I32_ADD, set(DST), i32(0), set(K));
  emit(BLOCK, VOID, LOOP, VOID, get(K), i32(16), I32_ADD, get(STRIDE), I32_GT_S, BR_IF, 1);
  emit(get(DST), get(K), I32_ADD, get(SRC), get(K), I32_ADD, simd(V128_LOAD, ...memarg(0, 0)), simd(V128_STORE, ...memarg(0, 0)));
  emit(get(K), i32(16), I32_ADD, set(K), BR, 0, END, END);
  emit(BLOCK, VOID, LOOP, VOID, get(K), get(STRIDE), I32_GE_S, BR_IF, 1);
  emit(get(DST), get(K), I32_ADD, get(SRC), get(K), I32_ADD, I32_LOAD, ...memarg(0, 0), I32_STORE, ...memarg(0, 0));
  emit(get(K), i32(4), I32_ADD, set(K), BR, 0, END, END);
  emit(END);
  emit(get(J), get(STEP), I32_ADD, set(J));
  emit(get(COUNT), i32(1), I32_SUB, tee(COUNT), i32(0), I32_GT_S, BR_IF, 0);
  emit(END, END);
  emit(get(N_LEFT), END);
  return [...vec([[...uleb(11), I32]]), ...body];
}

/** The module's bytes (sharedMemory: import a shared memory, as worker threads need). */
export function wasmKernelBytes(sharedMemory: boolean): Uint8Array {
  const histType = [0x60, ...vec(Array.from({ length: 8 }, () => [I32])), 0];
  const partType = [0x60, ...vec(Array.from({ length: 16 }, () => [I32])), ...vec([[I32]])];
  const hist = histBody();
  const part = partBody();
  // Memory limits: flags 3 = shared with a maximum (required for shared), 0 = minimum only.
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([histType, partType])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, ...limits]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...name('hist'), 0x00, 0], [...name('part'), 0x00, 1]])),
    ...section(10, vec([[...uleb(hist.length), ...hist], [...uleb(part.length), ...part]])),
  ]);
}

export type WasmHistogramFn = (histPtr: number, wordsPtr: number, ghPtr: number, start: number, end: number, q0: number, q1: number, w: number) => void;
export type WasmPartitionFn = (
  srcBins: number, srcGh: number, srcRows: number, dstBins: number, dstGh: number, dstRows: number,
  start: number, end: number, f: number, threshold: number, missingLeft: number, backward: number, l: number, r: number, stride: number, rowsOnly: number,
) => number;

export interface WasmKernels {
  hist: WasmHistogramFn;
  part: WasmPartitionFn;
}

/** The compiled module, or null where WebAssembly or its SIMD is unavailable (the JS loops are used). */
export function wasmKernelModule(sharedMemory: boolean): WebAssembly.Module | null {
  try {
    const bytes = wasmKernelBytes(sharedMemory);
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}

export function instantiateWasmKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): WasmKernels {
  return new WebAssembly.Instance(module, { env: { mem: memory } }).exports as unknown as WasmKernels;
}
