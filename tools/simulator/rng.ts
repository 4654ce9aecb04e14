// Seeded randomness for the simulator: one generator per named stream, so adding draws to one
// part of the simulation (say, sessions) does not shift another's (the catalog, the users).
import { SeededRandom } from '../../src/learners/random';

/** FNV-1a of a label, mixed with the seed: an independent, reproducible stream per (seed, label). */
function streamSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private readonly r: SeededRandom;

  constructor(readonly seed: number, readonly label = '') {
    this.r = new SeededRandom(streamSeed(seed, label));
  }

  /** A new independent stream derived from this one's seed and label. */
  fork(label: string): Rng {
    return new Rng(this.seed, `${this.label}/${label}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.r.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return this.r.int(n);
  }

  /** Integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.r.int(hi - lo + 1);
  }

  normal(mean = 0, sd = 1): number {
    return mean + sd * this.r.normal();
  }

  chance(p: number): boolean {
    return this.r.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.r.int(items.length)];
  }

  /** Index drawn with probability proportional to `weights` (non-negative, not all zero). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.r.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(Math.max(this.r.next(), 1e-12), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.r.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.r.next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** A probability vector drawn from Dirichlet(alpha). */
  dirichlet(alpha: readonly number[]): number[] {
    const g = alpha.map((a) => this.gamma(a));
    const sum = g.reduce((s, x) => s + x, 0);
    return g.map((x) => x / sum);
  }

  /** A version-4-shaped UUID from this stream (reproducible ids). */
  uuid(): string {
    const hex = (n: number) => Math.floor(this.r.next() * 16 ** n).toString(16).padStart(n, '0');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[this.r.int(4)]}${hex(3)}-${hex(6)}${hex(6)}`;
  }
}
