// Printing the demo: a line per round, the chart, the targets and the JSON summary.
import { renderLineChart } from './svgChart';
import type { RoundRecord } from './roundRecord';

const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`);

export function roundLines(r: RoundRecord): string[] {
  const a = r.all;
  const c = r.coldStart;
  const lines = [
    `round ${r.round + 1}: ${r.decisions} decisions (${r.cumulativeDecisions} in all) served by ${r.servedBy === 'priors' ? 'the cold-start priors' : `model ${r.servedBy}`} with exploration ${r.epsilon}; ${r.decisionsPerSecond.toFixed(0)} decisions/s`,
    `  CTR ours ${pct(a.observedCtr)} observed, ${pct(a.expectedCtr)} expected (greedy ${pct(a.greedyExpectedCtr)}) | random ${pct(a.randomCtr)} | popularity ${pct(a.popularityCtr)} | oracle ${pct(a.oracleCtr)}`,
    `  lift over random captured: ${pct(a.liftCaptured, 0)} as served, ${pct(a.greedyLiftCaptured, 0)} greedy; greedy = oracle's choice in ${pct(a.oracleAgreement, 0)}`,
    `  cold start (${c.decisions} decisions, first session of new users): ours ${pct(c.expectedCtr)} expected (greedy ${pct(c.greedyExpectedCtr)}) vs random ${pct(c.randomCtr)}, oracle ${pct(c.oracleCtr)}`,
  ];
  if (r.ope) {
    const o = r.ope;
    lines.push(
      `  trainer's DR estimate for ${o.version}${o.kept ? ' (kept: the last run promoted nothing)' : ''}: ${pct(o.deployed.estimate, 2)} as deployed${Number.isNaN(o.deployed.lower) ? ` (re-weighted to exploration ${o.epsilon})` : ''} vs ${pct(o.deployed.observed, 2)} observed (${pct(o.deployed.relativeError, 1)} off); ` +
        `greedy ${pct(o.greedy.estimate, 2)} vs ${pct(o.greedy.observed, 2)} observed (${pct(o.greedy.relativeError, 1)} off)`,
    );
  }
  if (r.recommendations) {
    const m = r.recommendations;
    lines.push(
      `  recommendations (${m.decisions} lists of GET /api/recommendations, product model ${m.productModel?.version ?? 'none'}): CTR served ${pct(m.observedCtr)} observed, ${pct(m.expectedCtr)} expected (without exploration ${pct(m.greedyExpectedCtr)}; ${pct(m.exploredShare, 0)} explored) | ` +
        `popularity ${pct(m.popularityCtr)} | best fixed list ${pct(m.bestFixedCtr)} | oracle ${pct(m.oracleCtr)} | random ${pct(m.randomCtr)}; ${m.clicks} clicks, ${m.purchases} purchases` +
        (m.errors > 0 ? `, ${m.errors} errors` : ''),
    );
    if (m.training) lines.push(`  product model trained after the round: ${m.training.version} in ${m.training.seconds.toFixed(1)} s on ${m.training.interactions} interactions`);
  }
  if (r.errors.rank + r.errors.reward + r.errors.eventsFailed > 0) {
    lines.push(`  errors: ${r.errors.rank} rank, ${r.errors.reward} reward, ${r.errors.eventsFailed} events not accepted`);
  }
  if (r.training) {
    const t = r.training;
    lines.push(
      `  training: ${t.status}${t.version ? ` ${t.version}` : ''} in ${t.seconds.toFixed(0)} s` +
        (t.usableDecisions !== null ? ` on ${t.usableDecisions} decisions` : '') +
        (t.validationAuc !== null ? `, validation AUC ${t.validationAuc.toFixed(3)}` : '') +
        (t.estimate ? `, DR estimate ${pct(t.estimate.deployed, 2)} deployed / ${pct(t.estimate.greedy, 2)} greedy (logging policy ${pct(t.estimate.logging, 2)})` : '') +
        (t.gate ? `; gate: ${t.gate.gain >= 0 ? '+' : ''}${pct(t.gate.gain, 2)} [${pct(t.gate.gainLower, 2)}, ${pct(t.gate.gainUpper, 2)}] vs the ${t.gate.reference} (${pct(t.gate.referenceValue, 2)}) on the same decisions` : '') +
        (t.servedAfterSeconds !== null ? `; served ${t.servedAfterSeconds.toFixed(1)} s after promotion` : '') +
        (t.reason ? ` — ${t.reason}` : ''),
    );
  }
  return lines;
}

export function ctrChart(rounds: RoundRecord[]): string {
  return renderLineChart({
    title: 'Click-through rate per round: the learning loop against oracle and random',
    xLabel: 'round (decisions so far)',
    yLabel: 'click-through rate',
    x: rounds.map((r) => `${r.round + 1} (${Math.round(r.cumulativeDecisions / 1000)}k)`),
    series: [
      { name: 'oracle', values: rounds.map((r) => r.all.oracleCtr), color: '#2ca02c', dashed: true },
      { name: 'ours, greedy (expected)', values: rounds.map((r) => r.all.greedyExpectedCtr), color: '#9467bd' },
      { name: 'ours, served (expected)', values: rounds.map((r) => r.all.expectedCtr), color: '#1f77b4' },
      { name: 'ours, served (observed)', values: rounds.map((r) => r.all.observedCtr), color: '#17becf', dashed: true },
      { name: 'cold start (expected)', values: rounds.map((r) => r.coldStart.expectedCtr), color: '#ff7f0e' },
      { name: 'popularity', values: rounds.map((r) => r.all.popularityCtr), color: '#8c564b', dashed: true },
      { name: 'random', values: rounds.map((r) => r.all.randomCtr), color: '#d62728', dashed: true },
    ],
  });
}

/** Recommendation CTR per round (expected, from the truth) against popularity, the best fixed list and the oracle; null when no round had recommendations. */
export function recommendationChart(rounds: RoundRecord[]): string | null {
  const withRecs = rounds.filter((r) => r.recommendations && r.recommendations.decisions > 0);
  if (withRecs.length === 0) return null;
  const of = (f: (m: NonNullable<RoundRecord['recommendations']>) => number) => withRecs.map((r) => f(r.recommendations!));
  return renderLineChart({
    title: 'Recommendation click-through rate per round: the served lists against popularity and the oracle',
    xLabel: 'round (lists shown)',
    yLabel: 'lists clicked',
    x: withRecs.map((r) => `${r.round + 1} (${r.recommendations!.decisions})`),
    series: [
      { name: 'oracle', values: of((m) => m.oracleCtr), color: '#2ca02c', dashed: true },
      { name: 'served (expected)', values: of((m) => m.expectedCtr), color: '#1f77b4' },
      { name: 'served (observed)', values: of((m) => m.observedCtr), color: '#17becf', dashed: true },
      { name: 'served without exploration (expected)', values: of((m) => m.greedyExpectedCtr), color: '#ff7f0e' },
      { name: 'best fixed list', values: of((m) => m.bestFixedCtr), color: '#9467bd', dashed: true },
      { name: 'popularity (the system\'s)', values: of((m) => m.popularityCtr), color: '#8c564b', dashed: true },
      { name: 'random', values: of((m) => m.randomCtr), color: '#d62728', dashed: true },
    ],
  });
}

export interface DemoTargets {
  liftCaptured: { target: number; served: number; greedy: number; met: boolean; metGreedy: boolean; decisions: number; firstMetAfterDecisions: number | null };
  coldStart: { target: string; firstRound: { ours: number; random: number; ratio: number }; met: boolean };
  offPolicy: { target: number; relativeErrors: number[]; greedyRelativeErrors: number[]; met: boolean };
  elapsed: { targetSeconds: number; seconds: number; met: boolean };
}

export function evaluateTargets(rounds: RoundRecord[], elapsedSeconds: number): DemoTargets {
  const last = rounds[rounds.length - 1];
  const metAt = rounds.find((r) => r.all.liftCaptured >= 0.8);
  const first = rounds[0].coldStart;
  const ratio = first.randomCtr > 0 ? first.expectedCtr / first.randomCtr : NaN;
  const coldMet = rounds.every((r) => r.coldStart.decisions === 0 || r.coldStart.expectedCtr >= 1.1 * r.coldStart.randomCtr);
  const errors = rounds.filter((r) => r.ope).map((r) => r.ope!.deployed.relativeError);
  const greedyErrors = rounds.filter((r) => r.ope).map((r) => r.ope!.greedy.relativeError);
  return {
    liftCaptured: {
      target: 0.8,
      served: last.all.liftCaptured,
      greedy: last.all.greedyLiftCaptured,
      met: last.all.liftCaptured >= 0.8 && last.cumulativeDecisions <= 200_000,
      metGreedy: last.all.greedyLiftCaptured >= 0.8,
      decisions: last.cumulativeDecisions,
      firstMetAfterDecisions: metAt ? metAt.cumulativeDecisions : null,
    },
    coldStart: { target: 'cold-start expected CTR ≥ 1.1 × random in every round', firstRound: { ours: first.expectedCtr, random: first.randomCtr, ratio }, met: coldMet },
    offPolicy: { target: 0.1, relativeErrors: errors, greedyRelativeErrors: greedyErrors, met: errors.length > 0 && errors.every((e) => e <= 0.1) },
    elapsed: { targetSeconds: 600, seconds: elapsedSeconds, met: elapsedSeconds <= 600 },
  };
}

export function targetLines(t: DemoTargets): string[] {
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    `targets:`,
    `  lift captured ≥ 80% within 200k decisions: ${pct(t.liftCaptured.served, 0)} as served, ${pct(t.liftCaptured.greedy, 0)} greedy after ${t.liftCaptured.decisions} decisions — ${mark(t.liftCaptured.met)} as served, ${mark(t.liftCaptured.metGreedy)} greedy`,
    `  cold start better than random from round 1: ${pct(t.coldStart.firstRound.ours)} vs ${pct(t.coldStart.firstRound.random)} (×${t.coldStart.firstRound.ratio.toFixed(2)}) — ${mark(t.coldStart.met)}`,
    `  trainer's estimate within 10% of the CTR then observed: ${t.offPolicy.relativeErrors.map((e) => pct(e, 1)).join(', ') || 'no promoted model'} — ${mark(t.offPolicy.met)}`,
    `  whole demo ≤ 10 min: ${t.elapsed.seconds.toFixed(0)} s — ${mark(t.elapsed.met)}`,
  ];
}
