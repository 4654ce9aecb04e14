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
