// How good a plan is against the synthetic truth: expected conversions (sum of TRUE conversion
// probabilities) when every lead gets the model's recommended combination, compared with the
// oracle (each lead's truly best combination), the single best combination for everyone, and
// a combination drawn at random.
import { bestCombination, COMBINATION_COUNT } from '../../../src/events/contactCombinations';
import type { LeadAttributes } from '../../../src/campaign/data/records';
import { trueCombinationProbabilities } from './trueConversion';

export interface PlanQuality {
  leads: number;
  recommended: number;
  oracle: number;
  oneBestForAll: number;
  oneBestCombination: number;
  random: number;
  recommendedVsOracle: number;
  oneBestVsOracle: number;
  randomVsOracle: number;
  /** Share of leads whose recommendation is their truly best combination. */
  exactMatchShare: number;
}

export function planQuality(leads: readonly LeadAttributes[], product: string, predicted: ArrayLike<number>): PlanQuality {
  if (predicted.length !== leads.length * COMBINATION_COUNT) throw new RangeError(`planQuality: expected ${leads.length}×63 scores, got ${predicted.length}`);
  const truth = new Float64Array(COMBINATION_COUNT);
  const perCombination = new Float64Array(COMBINATION_COUNT);
  let recommended = 0;
  let oracle = 0;
  let random = 0;
  let exact = 0;
  leads.forEach((lead, i) => {
    trueCombinationProbabilities(lead, product, truth);
    let best = 0;
    let sum = 0;
    for (let k = 0; k < COMBINATION_COUNT; k++) {
      perCombination[k] += truth[k];
      sum += truth[k];
      if (truth[k] > truth[best]) best = k;
    }
    const rec = bestCombination(predicted, i);
    recommended += truth[rec];
    oracle += truth[best];
    random += sum / COMBINATION_COUNT;
    if (rec === best) exact++;
  });
  let oneBestCombination = 0;
  for (let k = 1; k < COMBINATION_COUNT; k++) if (perCombination[k] > perCombination[oneBestCombination]) oneBestCombination = k;
  const oneBestForAll = perCombination[oneBestCombination];
  const ratio = (x: number) => (oracle > 0 ? x / oracle : NaN);
  return {
    leads: leads.length,
    recommended,
    oracle,
    oneBestForAll,
    oneBestCombination,
    random,
    recommendedVsOracle: ratio(recommended),
    oneBestVsOracle: ratio(oneBestForAll),
    randomVsOracle: ratio(random),
    exactMatchShare: leads.length > 0 ? exact / leads.length : NaN,
  };
}
