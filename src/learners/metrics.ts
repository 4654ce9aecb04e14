// Binary classification metrics on predicted probabilities; optional sample weights.

type Num = ArrayLike<number>;

function checkInputs(name: string, labels: Num, scores: Num, weights?: Num): void {
  if (labels.length !== scores.length) {
    throw new RangeError(`${name}: labels has length ${labels.length} but predictions has length ${scores.length}`);
  }
  if (weights && weights.length !== labels.length) {
    throw new RangeError(`${name}: weights has length ${weights.length}, expected ${labels.length}`);
  }
  if (labels.length === 0) throw new RangeError(`${name}: no rows`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`${name}: label at row ${i} is ${labels[i]}; labels must be 0 or 1`);
    if (scores[i] !== scores[i]) throw new RangeError(`${name}: prediction at row ${i} is NaN`);
    if (weights && !(weights[i] >= 0)) throw new RangeError(`${name}: weight at row ${i} is ${weights[i]}; must be ≥ 0`);
  }
}

/** Area under the ROC curve; tied scores count one half. */
export function rocAuc(labels: Num, scores: Num, weights?: Num): number {
  checkInputs('rocAuc', labels, scores, weights);
  const n = labels.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const s = Float64Array.from(scores as ArrayLike<number>);
  order.sort((a, b) => s[a] - s[b]);
  let negBelow = 0;
  let area = 0;
  let totalPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    let pos = 0;
    let neg = 0;
    while (j < n && s[order[j]] === s[order[i]]) {
      const r = order[j];
      const w = weights ? weights[r] : 1;
      if (labels[r] === 1) pos += w;
      else neg += w;
      j++;
    }
    area += pos * (negBelow + 0.5 * neg);
    negBelow += neg;
    totalPos += pos;
    i = j;
  }
  if (totalPos === 0 || negBelow === 0) throw new RangeError('rocAuc: needs both positive and negative labels (with weight > 0)');
  return area / (totalPos * negBelow);
}

/** Mean negative log-likelihood; probabilities are clipped to [eps, 1 - eps]. */
export function logLoss(labels: Num, probs: Num, weights?: Num, eps = 1e-15): number {
  checkInputs('logLoss', labels, probs, weights);
  let sum = 0;
  let wsum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(probs[i], eps), 1 - eps);
    const w = weights ? weights[i] : 1;
    sum -= w * (labels[i] === 1 ? Math.log(p) : Math.log(1 - p));
    wsum += w;
  }
  if (!(wsum > 0)) throw new RangeError('logLoss: total weight is 0');
  return sum / wsum;
}

export function brierScore(labels: Num, probs: Num, weights?: Num): number {
  checkInputs('brierScore', labels, probs, weights);
  let sum = 0;
  let wsum = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weights ? weights[i] : 1;
    const e = probs[i] - labels[i];
    sum += w * e * e;
    wsum += w;
  }
  if (!(wsum > 0)) throw new RangeError('brierScore: total weight is 0');
  return sum / wsum;
}

export interface CalibrationBin {
  /** Lowest and highest predicted probability in the bin. */
  minPredicted: number;
  maxPredicted: number;
  meanPredicted: number;
  observedRate: number;
  count: number;
  weight: number;
}

/**
 * Calibration table over quantile bins of the prediction (deciles by default): rows sorted by
 * prediction, cut into nBins groups of (as near as possible) equal count; tied predictions
 * are kept in one bin.
 */
export function calibrationTable(labels: Num, probs: Num, weights?: Num, nBins = 10): CalibrationBin[] {
  checkInputs('calibrationTable', labels, probs, weights);
  if (!Number.isInteger(nBins) || nBins < 1) throw new RangeError(`calibrationTable: nBins must be an integer ≥ 1, got ${nBins}`);
  const n = labels.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const p = Float64Array.from(probs as ArrayLike<number>);
  order.sort((a, b) => p[a] - p[b]);
  const table: CalibrationBin[] = [];
  let i = 0;
  for (let b = 0; b < nBins && i < n; b++) {
    let end = Math.max(i + 1, Math.round(((b + 1) * n) / nBins));
    while (end < n && p[order[end]] === p[order[end - 1]]) end++;
    let wsum = 0;
    let psum = 0;
    let ysum = 0;
    for (let k = i; k < end; k++) {
      const r = order[k];
      const w = weights ? weights[r] : 1;
      wsum += w;
      psum += w * p[r];
      ysum += w * labels[r];
    }
    table.push({
      minPredicted: p[order[i]],
      maxPredicted: p[order[end - 1]],
      meanPredicted: wsum > 0 ? psum / wsum : NaN,
      observedRate: wsum > 0 ? ysum / wsum : NaN,
      count: end - i,
      weight: wsum,
    });
    i = end;
  }
  return table;
}

export interface BinaryMetrics {
  auc: number;
  logLoss: number;
  brier: number;
  calibration: CalibrationBin[];
}

export function evaluateBinary(labels: Num, probs: Num, weights?: Num): BinaryMetrics {
  return {
    auc: rocAuc(labels, probs, weights),
    logLoss: logLoss(labels, probs, weights),
    brier: brierScore(labels, probs, weights),
    calibration: calibrationTable(labels, probs, weights),
  };
}
