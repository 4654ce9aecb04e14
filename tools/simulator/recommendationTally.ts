// Recommendation CTR of the served lists next to the oracle's and a popularity list's, on the same
// shoppers: every recommendation call is tallied with the true click probabilities of what was
// shown, of the shopper's best list, of the system's popularity list and of the best list that is
// the same for everyone.
export interface RecommendationOutcome {
  /** P(some product of the served list is clicked), from the truth. */
  served: number;
  /**
   * The same for the list without the last step's exploration: when the ranker explored (its first
   * product is not the one it gives the highest probability), the served list without that product
   * (one shorter: a lower bound); else the served list.
   */
  greedy: number;
  oracle: number;
  /** The system's own popularity list (its answer for a shopper it does not know). */
  popularity: number;
  /** The best list that is the same for everyone, from the truth (popularity in hindsight). */
  bestFixed: number;
  /** A list of n products drawn at random from the catalog (expected). */
  random: number;
  /** The last step explored: the first product is not the ranker's own choice. */
  explored: boolean;
  clicked: boolean;
  purchased: boolean;
  /** The answer's `source`: 'model' or 'cold-start'. */
  source: string;
}

export interface RecommendationSummary {
  decisions: number;
  clicks: number;
  purchases: number;
  /** clicks / decisions. */
  observedCtr: number;
  /** Mean of the served lists' true click probabilities. */
  expectedCtr: number;
  /** Mean of the greedy lists' (see RecommendationOutcome.greedy). */
  greedyExpectedCtr: number;
  /** Share of lists whose first product was explored. */
  exploredShare: number;
  oracleCtr: number;
  popularityCtr: number;
  bestFixedCtr: number;
  randomCtr: number;
  /** (served − popularity) / (oracle − popularity): the share of the personalisation gain captured. */
  gainCaptured: number;
  /** Decisions per answer source ('model', 'cold-start'). */
  sources: Record<string, number>;
}

export class RecommendationTally {
  private n = 0;
  private clicks = 0;
  private purchases = 0;
  private served = 0;
  private greedy = 0;
  private explored = 0;
  private oracle = 0;
  private popularity = 0;
  private bestFixed = 0;
  private random = 0;
  private readonly sources: Record<string, number> = {};

  get decisions(): number {
    return this.n;
  }

  add(o: RecommendationOutcome): void {
    this.n++;
    if (o.clicked) this.clicks++;
    if (o.purchased) this.purchases++;
    this.served += o.served;
    this.greedy += o.greedy;
    if (o.explored) this.explored++;
    this.oracle += o.oracle;
    this.popularity += o.popularity;
    this.bestFixed += o.bestFixed;
    this.random += o.random;
    this.sources[o.source] = (this.sources[o.source] ?? 0) + 1;
  }

  summary(): RecommendationSummary {
    const mean = (x: number) => (this.n > 0 ? x / this.n : 0);
    const gain = this.oracle - this.popularity;
    return {
      decisions: this.n,
      clicks: this.clicks,
      purchases: this.purchases,
      observedCtr: mean(this.clicks),
      expectedCtr: mean(this.served),
      greedyExpectedCtr: mean(this.greedy),
      exploredShare: mean(this.explored),
      oracleCtr: mean(this.oracle),
      popularityCtr: mean(this.popularity),
      bestFixedCtr: mean(this.bestFixed),
      randomCtr: mean(this.random),
      gainCaptured: gain > 0 ? (this.served - this.popularity) / gain : 0,
      sources: { ...this.sources },
    };
  }
}
