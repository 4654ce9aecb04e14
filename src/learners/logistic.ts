// Logistic-loss helpers shared by the estimators.

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function sigmoidInPlace(z: Float64Array): Float64Array {
  for (let i = 0; i < z.length; i++) z[i] = sigmoid(z[i]);
  return z;
}

/** Numerically stable log(1 + e^z). */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Weighted mean logistic loss of margins against 0/1 labels. */
export function marginLogLoss(margin: Float64Array, labels: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const n = margin.length;
  if (weights) {
    let sum = 0;
    let wsum = 0;
    for (let i = 0; i < n; i++) {
      const z = margin[i];
      sum += weights[i] * (softplus(z) - labels[i] * z);
      wsum += weights[i];
    }
    return wsum > 0 ? sum / wsum : NaN;
  }
  // softplus(z) = max(z, 0) + log(1 + e^{-|z|}); the logs are summed as log of block products
  // (32 factors ≤ 2 each) to call Math.log once per block.
  let sum = 0;
  let prod = 1;
  for (let i = 0; i < n; i++) {
    const z = margin[i];
    sum += Math.max(z, 0) - labels[i] * z;
    prod *= 1 + Math.exp(-Math.abs(z));
    if ((i & 31) === 31) {
      sum += Math.log(prod);
      prod = 1;
    }
  }
  sum += Math.log(prod);
  return n > 0 ? sum / n : NaN;
}
