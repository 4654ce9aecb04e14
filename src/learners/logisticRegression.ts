// L2-regularised logistic regression on standardised features (NaN → training mean), fitted by Newton's method.
import { Dataset, FeatureMatrix, defaultFeatureNames, validateDataset, validateFeatureMatrix } from './dataset';
import { sigmoid, softplus } from './logistic';

export interface LogisticRegressionParams {
  /** Penalty (l2/2)·‖w‖² on standardised coefficients (intercept not penalised), added to the mean loss. */
  l2?: number;
  maxIter?: number;
  /** Stop when the max-abs gradient falls below tol. */
  tol?: number;
}

export class LogisticRegression {
  readonly l2: number;
  readonly maxIter: number;
  readonly tol: number;

  constructor(params: LogisticRegressionParams = {}) {
    this.l2 = params.l2 ?? 1e-4;
    this.maxIter = params.maxIter ?? 50;
    this.tol = params.tol ?? 1e-7;
    if (!(this.l2 >= 0)) throw new RangeError(`LogisticRegression: l2 must be ≥ 0, got ${this.l2}`);
    if (!Number.isInteger(this.maxIter) || this.maxIter < 1) throw new RangeError(`LogisticRegression: maxIter must be an integer ≥ 1, got ${this.maxIter}`);
    if (!(this.tol > 0)) throw new RangeError(`LogisticRegression: tol must be > 0, got ${this.tol}`);
  }

  fit(train: Dataset): FittedLogisticRegression {
    validateDataset(train, 'training set', { requireBothClasses: true });
    const n = train.nRows;
    const d = train.nFeatures;
    const { mean, invStd } = columnStats(train);
    // Standardised, imputed design in float32 exactly as the exported graph computes it.
    const z = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < d; f++) {
        const v = train.layout === 'row-major' ? train.features[i * d + f] : train.features[f * n + i];
        z[i * d + f] = v !== v ? 0 : Math.fround(Math.fround(v - mean[f]) * invStd[f]);
      }
    }
    const y = train.labels;
    const w = train.weights;
    let wsum = 0;
    for (let i = 0; i < n; i++) wsum += w ? w[i] : 1;
    if (!(wsum > 0)) throw new RangeError('training set: total sample weight is 0');

    const p = d + 1; // coefficients then intercept
    const beta = new Float64Array(p);
    const margin = new Float64Array(n);
    const objective = (b: Float64Array): number => {
      let loss = 0;
      for (let i = 0; i < n; i++) {
        let m = b[d];
        const row = i * d;
        for (let f = 0; f < d; f++) m += b[f] * z[row + f];
        margin[i] = m;
        loss += (w ? w[i] : 1) * (softplus(m) - y[i] * m);
      }
      let pen = 0;
      for (let f = 0; f < d; f++) pen += b[f] * b[f];
      return loss / wsum + 0.5 * this.l2 * pen;
    };

    let obj = objective(beta);
    let iterations = 0;
    let converged = false;
    const grad = new Float64Array(p);
    const hess = new Float64Array(p * p);
    for (; iterations < this.maxIter; iterations++) {
      grad.fill(0);
      hess.fill(0);
      for (let i = 0; i < n; i++) {
        const pr = sigmoid(margin[i]);
        const wi = (w ? w[i] : 1) / wsum;
        const r = wi * (pr - y[i]);
        const s = wi * Math.max(pr * (1 - pr), 1e-12);
        const row = i * d;
        for (let a = 0; a < d; a++) {
          const za = z[row + a];
          grad[a] += r * za;
          const sa = s * za;
          const ha = a * p;
          for (let b = 0; b <= a; b++) hess[ha + b] += sa * z[row + b];
          hess[ha + d] += sa;
        }
        grad[d] += r;
        hess[d * p + d] += s;
      }
      for (let a = 0; a < d; a++) {
        grad[a] += this.l2 * beta[a];
        hess[a * p + a] += this.l2;
        for (let b = 0; b < a; b++) hess[b * p + a] = hess[a * p + b];
        hess[d * p + a] = hess[a * p + d];
      }
      let gmax = 0;
      for (let k = 0; k < p; k++) gmax = Math.max(gmax, Math.abs(grad[k]));
      if (gmax < this.tol) {
        converged = true;
        break;
      }
      const step = solveSpd(hess, grad, p);
      // Backtracking keeps every accepted step a descent step.
      let t = 1;
      const next = new Float64Array(p);
      let nextObj = Infinity;
      for (let k = 0; k < 30; k++) {
        for (let j = 0; j < p; j++) next[j] = beta[j] - t * step[j];
        nextObj = objective(next);
        if (nextObj <= obj) break;
        t *= 0.5;
      }
      if (!(nextObj <= obj)) {
        objective(beta);
        converged = true;
        break;
      }
      const improvement = obj - nextObj;
      beta.set(next);
      obj = nextObj;
      if (improvement < 1e-14) {
        converged = true;
        iterations++;
        break;
      }
    }

    return new FittedLogisticRegression({
      coefficients: Float32Array.from(beta.subarray(0, d)),
      intercept: Math.fround(beta[d]),
      mean,
      invStd,
      featureNames: train.featureNames ? [...train.featureNames] : defaultFeatureNames(d),
      iterations,
      converged,
      trainLoss: obj,
    });
  }
}

function columnStats(x: FeatureMatrix): { mean: Float32Array; invStd: Float32Array } {
  const { nRows: n, nFeatures: d } = x;
  const mean = new Float32Array(d);
  const invStd = new Float32Array(d);
  for (let f = 0; f < d; f++) {
    let cnt = 0;
    let s = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = x.layout === 'row-major' ? x.features[i * d + f] : x.features[f * n + i];
      if (v !== v) continue;
      cnt++;
      s += v;
    }
    const mu = cnt > 0 ? s / cnt : 0;
    for (let i = 0; i < n; i++) {
      const v = x.layout === 'row-major' ? x.features[i * d + f] : x.features[f * n + i];
      if (v === v) ss += (v - mu) * (v - mu);
    }
    const sd = cnt > 1 ? Math.sqrt(ss / cnt) : 0;
    mean[f] = mu;
    invStd[f] = sd > 0 && Number.isFinite(1 / sd) ? 1 / sd : 1;
  }
  return { mean, invStd };
}

/** Solves A x = b for symmetric positive-definite A (Cholesky); a tiny ridge rescues near-singular A. */
function solveSpd(a: Float64Array, b: Float64Array, p: number): Float64Array {
  for (let ridge = 0; ridge < 1; ridge = ridge === 0 ? 1e-10 : ridge * 100) {
    const l = new Float64Array(p * p);
    let ok = true;
    for (let i = 0; i < p && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = a[i * p + j] + (i === j ? ridge : 0);
        for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
        if (i === j) {
          if (!(s > 0)) ok = false;
          else l[i * p + i] = Math.sqrt(s);
        } else l[i * p + j] = s / l[j * p + j];
      }
    }
    if (!ok) continue;
    const yv = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let s = b[i];
      for (let k = 0; k < i; k++) s -= l[i * p + k] * yv[k];
      yv[i] = s / l[i * p + i];
    }
    const x = new Float64Array(p);
    for (let i = p - 1; i >= 0; i--) {
      let s = yv[i];
      for (let k = i + 1; k < p; k++) s -= l[k * p + i] * x[k];
      x[i] = s / l[i * p + i];
    }
    return x;
  }
  throw new Error('LogisticRegression: Hessian is not positive definite');
}

export interface FittedLogisticRegressionInit {
  coefficients: Float32Array;
  intercept: number;
  mean: Float32Array;
  invStd: Float32Array;
  featureNames: string[];
  iterations: number;
  converged: boolean;
  trainLoss: number;
}

export class FittedLogisticRegression {
  readonly kind = 'logistic-regression';
  /** Coefficients on standardised features: margin = intercept + Σ c_f · (x_f − mean_f) · invStd_f. */
  readonly coefficients: Float32Array;
  readonly intercept: number;
  /** Training means (also the value imputed for NaN). */
  readonly mean: Float32Array;
  readonly invStd: Float32Array;
  readonly featureNames: readonly string[];
  readonly iterations: number;
  readonly converged: boolean;
  readonly trainLoss: number;

  constructor(init: FittedLogisticRegressionInit) {
    this.coefficients = init.coefficients;
    this.intercept = Math.fround(init.intercept);
    this.mean = init.mean;
    this.invStd = init.invStd;
    this.featureNames = init.featureNames;
    this.iterations = init.iterations;
    this.converged = init.converged;
    this.trainLoss = init.trainLoss;
  }

  get nFeatures(): number {
    return this.coefficients.length;
  }

  predictRaw(x: FeatureMatrix): Float64Array {
    validateFeatureMatrix(x);
    const d = this.nFeatures;
    if (x.nFeatures !== d) throw new RangeError(`predict: model expects ${d} features, got ${x.nFeatures}`);
    const n = x.nRows;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let f = 0; f < d; f++) {
        const v = x.layout === 'row-major' ? x.features[i * d + f] : x.features[f * n + i];
        // Same float32 steps as the ONNX graph (Sub, Mul, Where).
        const zf = v !== v ? 0 : Math.fround(Math.fround(v - this.mean[f]) * this.invStd[f]);
        m += zf * this.coefficients[f];
      }
      out[i] = m + this.intercept;
    }
    return out;
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const out = this.predictRaw(x);
    for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]);
    return out;
  }
}
