// A validated model ready to score: one ONNX session, its manifest and how to read its score.
// It counts runs in flight so that, once replaced, it is released only after the last one ends.
import * as ort from 'onnxruntime-node';
import type { ModelManifest } from '../models/modelManifest';
import type { OutputReader } from './outputSelection';

export class ScoringError extends Error {}

export class LoadedModel {
  private inFlight = 0;
  private retired = false;
  private released = false;

  constructor(
    private readonly session: ort.InferenceSession,
    readonly manifest: ModelManifest,
    readonly inputName: string,
    readonly width: number,
    readonly reader: OutputReader,
  ) {}

  /** Time from bytes to a validated session, in ms (set by loadModel). */
  loadMs = 0;

  get name(): string {
    return this.manifest.name;
  }

  get version(): string {
    return this.manifest.version;
  }

  get sha256(): string {
    return this.manifest.sha256;
  }

  /** Scores `rows` rows (row-major [rows, width]) in one session.run. */
  async score(matrix: Float32Array, rows: number): Promise<Float32Array> {
    if (this.released) throw new ScoringError(`model ${this.name}/${this.version} was released`);
    if (matrix.length !== rows * this.width) throw new ScoringError(`expected ${rows}×${this.width} values, got ${matrix.length}`);
    this.inFlight++;
    try {
      const input = new ort.Tensor('float32', matrix, [rows, this.width]);
      const result = await this.session.run({ [this.inputName]: input }, [this.reader.name]);
      return this.read(result[this.reader.name], rows);
    } finally {
      this.inFlight--;
      if (this.retired && this.inFlight === 0) void this.release();
    }
  }

  private read(tensor: ort.Tensor | undefined, rows: number): Float32Array {
    if (!tensor) throw new ScoringError(`model ${this.name}/${this.version} returned no ${this.reader.name}`);
    const data = tensor.data as ArrayLike<number>;
    const stride = rows === 0 ? 1 : data.length / rows;
    if (!Number.isInteger(stride) || stride < 1 || this.reader.column >= stride) {
      throw new ScoringError(`${this.reader.name} has shape [${tensor.dims.join(',')}]; cannot read ${this.reader.describe} for ${rows} rows`);
    }
    const scores = new Float32Array(rows);
    for (let i = 0; i < rows; i++) scores[i] = Number(data[i * stride + this.reader.column]);
    return scores;
  }

  /**
   * Called when a newer model replaces this one. It is released once no run is in flight, and not
   * before `graceMs`, so a caller that picked it up just before the swap can still start its run.
   */
  retire(graceMs = 2000): void {
    const timer = setTimeout(() => {
      this.retired = true;
      if (this.inFlight === 0) void this.release();
    }, graceMs);
    timer.unref?.();
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release().catch(() => {});
  }
}
