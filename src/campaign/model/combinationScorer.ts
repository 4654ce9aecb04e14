// Probabilities of every combination for a block of leads, by either engine: the trees walked in
// TypeScript (CombinationTreeScorer) or onnxruntime on the expanded rows. Both read the same
// exported model; one is used, the other checks it.
import { COMBINATION_COUNT } from '../../events/contactCombinations';
import type { CampaignLayout } from '../features/campaignContract';
import { expandCombinations } from '../features/campaignRows';
import type { CombinationTreeScorer } from './combinationTreeScorer';

export type ScoringEngine = 'trees' | 'onnx';
export const SCORING_ENGINES: readonly ScoringEngine[] = ['trees', 'onnx'];

export interface CombinationScorer {
  readonly engine: ScoringEngine;
  /** Probabilities of leads [from, to) of a lead matrix into out[(i - from)·63 + k]. */
  score(leadRows: Float32Array, from: number, to: number, out: Float32Array): Promise<void>;
}

export function treeCombinationScorer(trees: CombinationTreeScorer): CombinationScorer {
  return {
    engine: 'trees',
    async score(leadRows, from, to, out) {
      trees.score(leadRows, from, to, out);
    },
  };
}

/** Runs (rows × width) row-major features through the model; returns one probability per row. */
export type OnnxRun = (matrix: Float32Array, rows: number) => Promise<Float32Array>;

/** Leads per onnxruntime run: 1,000 leads = 63,000 rows, which amortizes the ~50 µs per run. */
export const ONNX_LEADS_PER_RUN = 1000;

export function onnxCombinationScorer(layout: CampaignLayout, run: OnnxRun, leadsPerRun = ONNX_LEADS_PER_RUN): CombinationScorer {
  // One row buffer is reused by successive runs; a call made while another is using it gets its own.
  let shared: Float32Array | undefined;
  let sharedBusy = false;
  return {
    engine: 'onnx',
    async score(leadRows, from, to, out) {
      const own = sharedBusy;
      const buffer = own ? undefined : (shared ??= new Float32Array(leadsPerRun * COMBINATION_COUNT * layout.width));
      if (!own) sharedBusy = true;
      try {
        for (let start = from; start < to; start += leadsPerRun) {
          const end = Math.min(to, start + leadsPerRun);
          const rows = (end - start) * COMBINATION_COUNT;
          const matrix = expandCombinations(layout, leadRows, start, end, buffer);
          const probs = await run(matrix, rows);
          if (probs.length !== rows) throw new Error(`onnxruntime returned ${probs.length} probabilities for ${rows} rows`);
          out.set(probs, (start - from) * COMBINATION_COUNT);
        }
      } finally {
        if (!own) sharedBusy = false;
      }
    },
  };
}
