// The structured records of a scheduled retraining run, which infra/'s alerts query
// (docs/observability.md): `retraining.failed` when the run throws, `model.promoted` when it
// promotes a model, `retraining.completed` otherwise (registered without promotion, gates refused,
// too little data).
import type { StructuredLog } from '../common/structuredLog';

export interface RetrainOutcome {
  status: string;
  model: string;
  version?: string;
  reason?: string;
}

/** Runs `run`, recording its outcome; a thrown error is recorded and rethrown (the timer logs it as failed). */
export async function withRetrainRecords(
  functionName: string, model: string, log: StructuredLog, run: () => Promise<RetrainOutcome | undefined>,
): Promise<RetrainOutcome | undefined> {
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  let outcome: RetrainOutcome | undefined;
  try {
    outcome = await run();
  } catch (error) {
    log('retraining.failed', { function: functionName, model, error: (error as Error).message ?? String(error), durationMs: durationMs() }, 'error');
    throw error;
  }
  if (outcome === undefined) return undefined;
  if (outcome.status === 'promoted') {
    log('model.promoted', { function: functionName, model: outcome.model, version: outcome.version, durationMs: durationMs() });
  } else {
    log('retraining.completed', { function: functionName, model: outcome.model, status: outcome.status, version: outcome.version, reason: outcome.reason, durationMs: durationMs() });
  }
  return outcome;
}
