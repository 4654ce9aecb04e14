// `node dist/bench/run.js evaluation [decisions]`: one offline evaluation (runEvaluation, discovery
// on, two custom policies) of a synthetic decision log archived in Azurite: wall time per step and
// the longest stall of the event loop while it runs (the job shares the instance's event loop with
// its HTTP calls; docs/personalizer-migration.md, "Offline evaluations").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BlobServiceClient } from '@azure/storage-blob';
import { ArchiveWriter } from '../src/archive/archiveWriter';
import { runEvaluation } from '../src/training/evaluations/runEvaluation';
import { positional, positiveInteger } from '../tools/cli/commandLine';
import { createProgressRenderer } from '../tools/cli/progress';
import { startAzurite } from '../tools/local/services/azurite';
import { archiveTrackedEvents } from '../tools/synthetic/decisions/archiveTrackedEvents';
import { generateDecisionLog } from '../tools/synthetic/decisions/syntheticDecisionLog';
import { rssSampler } from './support/rssSampler';

const progress = createProgressRenderer(process.stderr);
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const decisions = positional(args, 0, 'decisions', positiveInteger, 20_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-evaluation-'));
  const az = await startAzurite({ dataDir: dir, port: 0 });
  const rss = rssSampler();
  try {
    const archive = BlobServiceClient.fromConnectionString(az.connectionString).getContainerClient('archive');
    await archive.createIfNotExists();
    const startMs = Date.UTC(2026, 10, 1);
    const log = generateDecisionLog({ decisions, startMs, spacingMs: 10_000, seed: 9 });
    progress.log(`[evaluation] archiving ${decisions} synthetic decisions (${log.events.length} events)`);
    await archiveTrackedEvents(new ArchiveWriter(archive, { windowMinutes: 60 }), log.events, { partitions: 2, batchSize: 2000 });

    const steps: Record<string, number> = {};
    let step = '';
    let stepStart = performance.now();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const t0 = performance.now();
    const outcome = await runEvaluation({
      archive: { container: archive },
      from: new Date(startMs),
      to: new Date(startMs + decisions * 10_000 + 1),
      online: { name: 'default', arguments: '--cb_explore_adf --epsilon 0.3 --dsjson' },
      candidates: [
        { name: 'five percent', arguments: '--cb_explore_adf --epsilon 0.05 --dsjson' },
        { name: 'squarecb', arguments: '--cb_explore_adf --squarecb --gamma_scale 100' },
      ],
      currentEpsilon: 0.3,
      discovery: true,
      now: new Date(startMs + decisions * 10_000 + 86_400_000),
      progress: (name, done, total) => {
        if (name !== step) {
          if (step) steps[step] = round((performance.now() - stepStart) / 1000, 2);
          step = name;
          stepStart = performance.now();
        }
        progress.update({ step: name, done, ...(total > 0 ? { total } : {}) });
      },
    });
    if (step) steps[step] = round((performance.now() - stepStart) / 1000, 2);
    const seconds = (performance.now() - t0) / 1000;
    delay.disable();
    return {
      decisions,
      evaluated: outcome.decisions.evaluated,
      policies: outcome.policies.length,
      bucketMinutes: outcome.bucketMinutes,
      evaluationSeconds: round(seconds, 2),
      stepSeconds: steps,
      // The longest the instance could not answer another call while the evaluation ran.
      maxEventLoopStallMs: round(delay.max / 1e6, 1),
      storedBytes: JSON.stringify(outcome).length,
      peakRssMb: rss.peakMiB(),
      optimalPolicy: outcome.optimalPolicy,
    };
  } finally {
    await az.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
