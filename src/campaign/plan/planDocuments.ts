// The FLAT documents a campaign plan writes to `campaignPlans` (partition = campaignId), one row
// each for Power BI. Ids are derived from (campaign, model version, lead / combination), so
// re-running a plan overwrites its documents instead of adding new ones.
import { COMBINATIONS, type Channel, type Day, type TimeSlot } from '../../events/contactCombinations';

export const PLAN_KINDS = { plan: 'plan', lead: 'leadPlan', combination: 'combinationSummary' } as const;

/** One per lead: its best combination, the runner-up, and the lead's average over all 63. */
export type LeadPlanDocument = {
  id: string;
  kind: 'leadPlan';
  campaignId: string;
  modelVersion: string;
  runId: string;
  leadId: string;
  channel: Channel;
  day: Day;
  timeSlot: TimeSlot;
  probability: number;
  runnerUpChannel: Channel;
  runnerUpDay: Day;
  runnerUpTimeSlot: TimeSlot;
  runnerUpProbability: number;
  averageProbability: number;
};

/** One per combination: how many leads the plan sends it to, and their expected conversions. */
export type CombinationSummaryDocument = {
  id: string;
  kind: 'combinationSummary';
  campaignId: string;
  modelVersion: string;
  runId: string;
  combination: number;
  channel: Channel;
  day: Day;
  timeSlot: TimeSlot;
  leads: number;
  expectedConversions: number;
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
  expectedConversions: number;
  expectedConversionRate: number;
  /** Model-expected conversions if every lead got the single best combination instead. */
  oneBestExpectedConversions: number;
  oneBestChannel: Channel | null;
  oneBestDay: Day | null;
  oneBestTimeSlot: TimeSlot | null;
  /** … or a combination at random. */
  randomExpectedConversions: number;
  engine: string;
  scoreSeconds: number;
  writeSeconds: number;
  error: string | null;
};

export const planDocumentId = (modelVersion: string) => `plan:${modelVersion}`;
export const leadPlanDocumentId = (modelVersion: string, leadId: string) => `lead:${modelVersion}:${leadId}`;
export const combinationDocumentId = (modelVersion: string, combination: number) => {
  const c = COMBINATIONS[combination];
  return `combination:${modelVersion}:${c.channel}:${c.day}:${c.timeSlot}`;
};
