// Money and other summed decimals are kept at 6 decimal places, re-rounded after every addition,
// so a total does not depend on how events were grouped into batches (float addition is not
// associative, but sums of exact multiples of 1e-6 rounded back to 1e-6 are, below ~9e9).
const SCALE = 1e6;

export function roundMoney(value: number): number {
  return Math.round(value * SCALE) / SCALE;
}

export function addMoney(a: number, b: number): number {
  return Math.round((a + b) * SCALE) / SCALE;
}
