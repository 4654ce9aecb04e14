// The demo's defaults, sized to finish in under ten minutes on two shared cores (docs/demo.md),
// and the app settings it runs the embedded system with.

export interface DemoConfig {
  seed: number;
  users: number;
  /** Share of users with no history; they arrive spread over the rounds (cold start). */
  newShare: number;
  offers: number;
  rounds: number;
  /** Decisions of the first round (ranked by the cold-start priors) and of each later round. */
  firstRoundDecisions: number;
  decisionsPerRound: number;
  concurrency: number;
  /** RankingExploration (epsilon) while the model learns. */
  exploration: number;
  /** RankingExploration of the last round, once the model has learnt (an operator turning exploration down). */
  finalExploration: number;
  /** Latest share of the decisions the trainer holds out for validation and the off-policy estimate. */
  validationFraction: number;
  rewardWaitSeconds: number;
  /** Share of sessions that open with a recommendation list (GET /api/recommendations); 0 = none. */
  recommendationShare: number;
  /** Products per recommendation list. */
  recommendationN: number;
  /** Whole-run budget: later rounds are shortened (and say so) to finish within it. 0 = none. */
  timeBudgetSeconds: number;
  outDir: string;
  keepData: boolean;
  verbose: boolean;
}

export const DEMO_DEFAULTS: DemoConfig = {
  seed: 7,
  users: 1500,
  newShare: 0.3,
  offers: 10,
  rounds: 5,
  // The first model's estimate rests on decisions logged by the priors, few of which carry the
  // DR correction: 10,000 at a 0.3 validation share left it up to 19 % off the CTR then observed.
  firstRoundDecisions: 20000,
  decisionsPerRound: 8000,
  concurrency: 24,
  exploration: 0.3,
  finalExploration: 0.05,
  validationFraction: 0.4,
  rewardWaitSeconds: 10,
  recommendationShare: 0.3,
  recommendationN: 4,
  timeBudgetSeconds: 540,
  outDir: 'test-output/demo',
  keepData: false,
  verbose: false,
};

/** App settings of the embedded system for the demo (everything else: the app's defaults). */
export function demoSettings(c: DemoConfig): Record<string, string> {
  return {
    RankingExploration: String(c.exploration),
    // A promoted model is picked up within two seconds.
    RankingModelPollSeconds: '2',
    // A product model trained between rounds serves within two seconds; availability at once.
    ProductModelPollSeconds: '2',
    ProductCatalogCacheSeconds: '2',
    // Priors follow the offer aggregates every 30 s (each refresh scans the aggregates).
    RankingPriorsRefreshSeconds: '30',
    // Rewards come within a second of the decision; a short window lets training use a round at once.
    RankingRewardWaitSeconds: String(c.rewardWaitSeconds),
    // Daily windows only: half the aggregate writes of the default "60,1440" (priors use the daily ones).
    AggregationWindowsMinutes: '1440',
    // No scheduled retraining in the middle of the demo: the demo trains between rounds itself.
    'AzureWebJobs.retrainModel.Disabled': 'true',
    'AzureWebJobs.retrainProducts.Disabled': 'true',
  };
}
