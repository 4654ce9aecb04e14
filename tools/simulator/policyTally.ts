// Expected and observed click-through rates of several policies on the SAME decisions (users and
// contexts): ours as served (epsilon-greedy), ours greedy (what the model prefers), oracle (best
// true probability), random (uniform over the offers) and popularity (the one offer with the best
// average true probability over these decisions). Expected CTRs come from the true probabilities,
// so they carry far less noise than observed clicks.

export interface DecisionOutcome {
  /** Offer ids of the actions, in request order. */
  actionIds: readonly string[];
  /** True click probability of each action. */
  trueProbabilities: readonly number[];
  /** The serving policy's probability of showing each action (the rank answer's probabilities). */
  servingProbabilities: readonly number[];
  /** Index of the action shown (rewardActionId). */
  chosen: number;
  /** Index of the action the ranker's scores prefer. */
  greedy: number;
  clicked: boolean;
}

export interface PolicySummary {
  decisions: number;
  clicks: number;
  /** Clicks / decisions of what was shown. */
  observedCtr: number;
  /** Σ serving probability × true probability, per decision. */
  expectedCtr: number;
  /** True probability of the greedy action. */
  greedyExpectedCtr: number;
  /** Clicks / decisions among decisions that showed the greedy action (an unbiased sample of the greedy policy). */
  greedyObservedCtr: number;
  greedyShown: number;
  oracleCtr: number;
  randomCtr: number;
  popularityCtr: number;
  popularityOfferId: string | null;
  /** (served − random) / (oracle − random). */
  liftCaptured: number;
  /** (greedy − random) / (oracle − random). */
  greedyLiftCaptured: number;
  /** Share of decisions where the greedy action is the oracle's. */
  oracleAgreement: number;
}

export class PolicyTally {
  private n = 0;
  private clicks = 0;
  private served = 0;
  private greedy = 0;
  private greedyShown = 0;
  private greedyClicks = 0;
  private oracle = 0;
  private random = 0;
  private agree = 0;
  private readonly perOffer = new Map<string, number>();

  add(d: DecisionOutcome): void {
    const p = d.trueProbabilities;
    const k = p.length;
    let best = 0;
    let mean = 0;
    let served = 0;
    let bestIndex = 0;
    for (let i = 0; i < k; i++) {
      if (p[i] > best) {
        best = p[i];
        bestIndex = i;
      }
      mean += p[i] / k;
      served += d.servingProbabilities[i] * p[i];
      this.perOffer.set(d.actionIds[i], (this.perOffer.get(d.actionIds[i]) ?? 0) + p[i]);
    }
    this.n++;
    if (d.clicked) this.clicks++;
    this.served += served;
    this.greedy += p[d.greedy];
    this.oracle += best;
    this.random += mean;
    if (d.greedy === bestIndex) this.agree++;
    if (d.chosen === d.greedy) {
      this.greedyShown++;
      if (d.clicked) this.greedyClicks++;
    }
  }

  /** Adds another tally's decisions to this one. */
  merge(other: PolicyTally): void {
    this.n += other.n;
    this.clicks += other.clicks;
    this.served += other.served;
    this.greedy += other.greedy;
    this.greedyShown += other.greedyShown;
    this.greedyClicks += other.greedyClicks;
    this.oracle += other.oracle;
    this.random += other.random;
    this.agree += other.agree;
    for (const [id, s] of other.perOffer) this.perOffer.set(id, (this.perOffer.get(id) ?? 0) + s);
  }

  get decisions(): number {
    return this.n;
  }

  summary(): PolicySummary {
    const n = this.n;
    const div = (a: number, b: number) => (b > 0 ? a / b : 0);
    let popularityOfferId: string | null = null;
    let popular = 0;
    for (const [id, s] of this.perOffer) {
      if (s > popular) {
        popular = s;
        popularityOfferId = id;
      }
    }
    const oracleCtr = div(this.oracle, n);
    const randomCtr = div(this.random, n);
    const expectedCtr = div(this.served, n);
    const greedyExpectedCtr = div(this.greedy, n);
    const lift = (v: number) => div(v - randomCtr, oracleCtr - randomCtr);
    return {
      decisions: n,
      clicks: this.clicks,
      observedCtr: div(this.clicks, n),
      expectedCtr,
      greedyExpectedCtr,
      greedyObservedCtr: div(this.greedyClicks, this.greedyShown),
      greedyShown: this.greedyShown,
      oracleCtr,
      randomCtr,
      popularityCtr: div(popular, n),
      popularityOfferId,
      liftCaptured: lift(expectedCtr),
      greedyLiftCaptured: lift(greedyExpectedCtr),
      oracleAgreement: div(this.agree, n),
    };
  }
}
