// Best split of one node from its histogram: L2-regularised second-order gain, learned NaN direction.
import { BIN_STRIDE, MISSING_BIN } from './binner';
import { HIST_FIELDS } from './histogram';

export interface SplitConstraints {
  lambda: number;
  minChildWeight: number;
  minSamplesLeaf: number;
  minSplitGain: number;
}

export interface SplitCandidate {
  feature: number;
  bin: number;
  missingLeft: boolean;
  gain: number;
  leftG: number;
  leftH: number;
  leftCount: number;
}

/** Returns the best split with gain > minSplitGain, or null. Ties keep the first (lowest feature, bin). */
export function findBestSplit(
  hist: Float64Array,
  features: Int32Array,
  nValueBins: Int32Array,
  sumG: number,
  sumH: number,
  count: number,
  c: SplitConstraints,
): SplitCandidate | null {
  const lambda = c.lambda;
  const parentScore = (sumG * sumG) / (sumH + lambda);
  let bestGain = c.minSplitGain;
  let best: SplitCandidate | null = null;
  for (let k = 0; k < features.length; k++) {
    const f = features[k];
    const nb = nValueBins[f];
    const base = f * BIN_STRIDE * HIST_FIELDS;
    const mo = base + MISSING_BIN * HIST_FIELDS;
    const gM = hist[mo];
    const hM = hist[mo + 1];
    const cM = hist[mo + 2];
    const hasMissing = cM > 0;
    let gL = 0;
    let hL = 0;
    let cL = 0;
    for (let b = 0; b < nb; b++) {
      const o = base + b * HIST_FIELDS;
      gL += hist[o];
      hL += hist[o + 1];
      cL += hist[o + 2];
      // Missing to the right.
      {
        const gR = sumG - gL;
        const hR = sumH - hL;
        const cR = count - cL;
        if (cL >= c.minSamplesLeaf && cR >= c.minSamplesLeaf && hL >= c.minChildWeight && hR >= c.minChildWeight) {
          const gain = 0.5 * ((gL * gL) / (hL + lambda) + (gR * gR) / (hR + lambda) - parentScore);
          if (gain > bestGain) {
            bestGain = gain;
            // Without NaNs in the node, unseen NaNs follow the heavier child.
            const missingLeft = hasMissing ? false : hL >= hR;
            best = { feature: f, bin: b, missingLeft, gain, leftG: gL, leftH: hL, leftCount: cL };
          }
        }
      }
      if (hasMissing) {
        const gLm = gL + gM;
        const hLm = hL + hM;
        const cLm = cL + cM;
        const gR = sumG - gLm;
        const hR = sumH - hLm;
        const cR = count - cLm;
        if (cLm >= c.minSamplesLeaf && cR >= c.minSamplesLeaf && hLm >= c.minChildWeight && hR >= c.minChildWeight) {
          const gain = 0.5 * ((gLm * gLm) / (hLm + lambda) + (gR * gR) / (hR + lambda) - parentScore);
          if (gain > bestGain) {
            bestGain = gain;
            best = { feature: f, bin: b, missingLeft: true, gain, leftG: gLm, leftH: hLm, leftCount: cLm };
          }
        }
      }
    }
  }
  return best;
}
