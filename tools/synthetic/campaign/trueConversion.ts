// The KNOWN conversion function of the synthetic data: P(convert | lead, product, channel, day,
// slot). Lead attributes interact with the contact options, so different leads have different
// best combinations (older leads: calls on weekday mornings; young: SMS; high income: email
// in the evening; large households: weekends; each region has its own best weekday).
import { COMBINATION_COUNT, DAYS, TIME_SLOTS } from '../../../src/events/contactCombinations';
import { incomeLevel } from '../../../src/campaign/data/leadRules';
import type { LeadAttributes } from '../../../src/campaign/data/records';

export const SYNTHETIC_REGIONS = ['north', 'south', 'east', 'west', 'central'] as const;
/** Each region's UTC offset in the generated timestamps, and its best weekday. */
export const REGION_OFFSET: Record<string, string> = { north: '+01:00', south: '+01:00', east: '+02:00', west: '+00:00', central: '+01:00' };
const REGION_BEST_DAY: Record<string, number> = { north: 1, south: 3, east: 0, west: 5, central: 2 };

export const SYNTHETIC_PRODUCTS = ['term-life', 'auto-insurance', 'home-insurance', 'savings'] as const;

const WEEKDAY_EFFECT = [-0.05, 0.1, 0.15, 0.1, -0.15, -0.1, -0.25];

interface Standardized {
  age: number;
  income: number;
  credit: number;
  household: number;
  senior: number;
  bestDay: number;
}

function standardize(lead: LeadAttributes): Standardized {
  return {
    age: (lead.age - 45) / 15,
    income: (incomeLevel(lead.incomeBand) - 2) / 1.2,
    credit: (lead.creditScore - 680) / 70,
    household: (lead.householdSize - 2.5) / 1.5,
    senior: lead.age >= 65 ? 1 : 0,
    bestDay: REGION_BEST_DAY[lead.region] ?? -1,
  };
}

function productEffect(product: string, s: Standardized): number {
  switch (product) {
    case 'term-life': return 0.35 * s.age + 0.2 * s.household;
    case 'auto-insurance': return 0.15 - 0.3 * s.age;
    case 'home-insurance': return 0.3 * s.household + 0.1 * s.income;
    case 'savings': return 0.35 * s.income - 0.1;
    default: return 0;
  }
}

function comboLogit(s: Standardized, channel: number, day: number, slot: number): number {
  const weekend = day >= 5;
  let z = 0;
  if (channel === 0) z += 0.25 + 0.45 * s.income - 0.35 * s.age;
  else if (channel === 1) z += 0.05 - 0.75 * s.age + 0.2 * s.household;
  else z += -0.3 + 0.85 * s.age - 0.35 * s.income;

  z += WEEKDAY_EFFECT[day];
  if (weekend) z += 0.55 * s.household - 0.25 * s.income;
  if (day === s.bestDay) z += 0.3;

  if (slot === 0) z += 0.45 * s.age;
  else if (slot === 1) z += 0.25 * s.senior - 0.1;
  else z += 0.35 * s.income + 0.35 * s.household - 0.4 * s.age;

  if (channel === 2 && slot === 2) z -= 0.45;
  if (channel === 1 && slot === 0) z += 0.2;
  if (channel === 0 && slot === 0) z += 0.1;
  if (channel === 2 && slot === 1) z += 0.15 * s.age;
  if (channel === 2 && weekend) z -= 0.4;
  if (channel === 0 && day === 0) z += 0.2;
  return z;
}

function leadLogit(s: Standardized, product: string): number {
  return -3.1 + 0.35 * s.credit + 0.15 * s.income + productEffect(product, s);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function trueConversionProbability(lead: LeadAttributes, product: string, channel: number, day: number, slot: number): number {
  const s = standardize(lead);
  return sigmoid(leadLogit(s, product) + comboLogit(s, channel, day, slot));
}

/** The true probability of all 63 combinations of one lead, in combination order. */
export function trueCombinationProbabilities(lead: LeadAttributes, product: string, out = new Float64Array(COMBINATION_COUNT)): Float64Array {
  const s = standardize(lead);
  const base = leadLogit(s, product);
  let k = 0;
  for (let c = 0; c < 3; c++) for (let d = 0; d < DAYS.length; d++) for (let t = 0; t < TIME_SLOTS.length; t++) out[k++] = sigmoid(base + comboLogit(s, c, d, t));
  return out;
}
