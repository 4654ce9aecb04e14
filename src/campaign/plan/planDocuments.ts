// The FLAT documents a campaign plan writes to `campaignPlans` (partition = campaignId), one row
// each for Power BI. Ids are derived from (campaign, model version, lead / combination), so
// re-running a plan overwrites its documents instead of adding new ones.
//
// "contactChannel" is the campaign's channel (email, SMS, call); the web channel of the activity
// aggregates is "webChannel". Money is in the currency of the revenue figures.
import { COMBINATIONS, type Channel, type Day, type TimeSlot } from '../../events/contactCombinations';

export const PLAN_KINDS = { plan: 'plan', lead: 'leadPlan', combination: 'combinationSummary' } as const;

/** One per lead: the combination the plan gives it under the capacities (or none), with money. */
export type LeadPlanDocument = {
  id: string;
  kind: 'leadPlan';
  campaignId: string;
  modelVersion: string;
  runId: string;
  leadId: string;
  /** False when the plan does not contact the lead (no capacity left, or a contact would lose money). */
  contacted: boolean;
  contactChannel: Channel | null;
  day: Day | null;
  timeSlot: TimeSlot | null;
  /** Conversion probability of the planned contact (0 when not contacted). */
  probability: number;
  expectedRevenue: number;
  contactCost: number;
  expectedProfit: number;
  /** The lead's most profitable combination ignoring capacities (what the plan would be without limits). */
  bestContactChannel: Channel;
  bestDay: Day;
  bestTimeSlot: TimeSlot;
  bestProbability: number;
  bestExpectedProfit: number;
  /** Mean probability over the 63 combinations: probability / averageProbability is the lift of choosing well. */
  averageProbability: number;
};

/** One per combination: the leads the plan sends to it and their expected money. */
export type CombinationSummaryDocument = {
  id: string;
  kind: 'combinationSummary';
  campaignId: string;
  modelVersion: string;
  runId: string;
  combination: number;
  contactChannel: Channel;
  day: Day;
  timeSlot: TimeSlot;
  leads: number;
  expectedConversions: number;
  expectedRevenue: number;
  expectedCost: number;
  expectedProfit: number;
  /** Leads whose most profitable combination this is (the plan without capacities). */
  unconstrainedLeads: number;
  /** Contacts the capacity resource this combination uses allows (shared with the resource's other combinations); null = unlimited. */
  capacity: number | null;
  /** The resource, e.g. `call mon morning` or `email mon`; `unlimited`. */
  capacityResource: string;
  /** Mean probability of this combination over ALL leads (if everyone got it). */
  averageProbabilityAllLeads: number;
};

export type PlanStatus = 'running' | 'completed' | 'failed';

/** One per (campaign, model version): status and totals; the dashboard lists these. */
export type PlanDocument = {
  id: string;
  kind: 'plan';
  campaignId: string;
  name: string;
  product: string;
  modelVersion: string;
  runId: string;
  status: PlanStatus;
  updatedAt: string;
  startedAt: string;
  completedAt: string | null;
  leads: number;
  skippedLeads: number;
  /** Money model of this run. */
  revenuePerConversion: number;
  revenueSource: string;
  costPerEmail: number;
  costPerSms: number;
  costPerCall: number;
  /** The capacity rule, e.g. `call=300/slot, email=20000/day`; `unlimited`. */
  capacityRule: string;
  /** The plan (under the capacities). */
  contactedLeads: number;
  expectedConversions: number;
  expectedConversionRate: number;
  expectedRevenue: number;
  expectedCost: number;
  expectedProfit: number;
  /** expectedProfit / expectedCost (null when nothing costs). */
  expectedRoi: number | null;
  /** Contacting every lead at the single most profitable combination (capacities ignored). */
  oneBestExpectedConversions: number;
  oneBestExpectedRevenue: number;
  oneBestExpectedCost: number;
  oneBestExpectedProfit: number;
  oneBestExpectedRoi: number | null;
  oneBestContactChannel: Channel | null;
  oneBestDay: Day | null;
  oneBestTimeSlot: TimeSlot | null;
  /** Contacting every lead at a combination drawn at random (the mean over the 63). */
  randomExpectedConversions: number;
  randomExpectedRevenue: number;
  randomExpectedCost: number;
  randomExpectedProfit: number;
  randomExpectedRoi: number | null;
  /** Each lead's most profitable combination, capacities ignored (infeasible when they bind). */
  unconstrainedExpectedProfit: number;
  /** Proven bound: no assignment within the capacities earns more than this. */
  upperBoundExpectedProfit: number;
  /** upperBound − expectedProfit: the plan is at most this far from the optimum (0 = proven optimal). */
  optimalityGap: number;
  optimal: boolean;
  assignmentMethod: string;
  engine: string;
  scoreSeconds: number;
  assignSeconds: number;
  writeSeconds: number;
  error: string | null;
};

export const planDocumentId = (modelVersion: string) => `plan:${modelVersion}`;
export const leadPlanDocumentId = (modelVersion: string, leadId: string) => `lead:${modelVersion}:${leadId}`;
export const combinationDocumentId = (modelVersion: string, combination: number) => {
  const c = COMBINATIONS[combination];
  return `combination:${modelVersion}:${c.channel}:${c.day}:${c.timeSlot}`;
};
