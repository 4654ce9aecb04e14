// Two trainers racing on the same model: the promotion is conditional on the pointer ETag each
// read when it started, so exactly one promotes; the other is registered and says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerClient } from '@azure/storage-blob';
import { ModelRegistry } from '../../../src/models/modelRegistry';
import { runTraining, type TrainingRunResult } from '../../../src/training';
import { generateDecisionLog } from '../../../tools/synthetic/decisions/syntheticDecisionLog';
import { DAY, T0, blobNames, readJsonBlob, seedArchive, startBlobEnv, type BlobEnv } from './pipelineTestKit';

const NAME = 'raced-ranker';
let env: BlobEnv;
let models: ContainerClient;
let archive: ContainerClient;

beforeAll(async () => {
  env = await startBlobEnv('training-race');
  models = env.container('models');
  archive = env.container('archive');
  await seedArchive(archive, generateDecisionLog({ decisions: 1500, startMs: T0, seed: 21 }).events);
}, 60_000);
afterAll(async () => {
  await env?.stop();
});

const train = () =>
  runTraining({
    modelName: NAME,
    archive: { container: archive },
    registry: models,
    now: () => new Date(T0 + 10 * DAY),
    gates: { minDecisions: 100, minPositives: 10 },
    gbdt: { nEstimators: 60 },
  });

function winnerAndLoser(results: TrainingRunResult[]): { winner: TrainingRunResult; loser: TrainingRunResult } {
  expect(results.map((r) => r.status).sort()).toEqual(['promoted', 'registered']);
  return { winner: results.find((r) => r.status === 'promoted')!, loser: results.find((r) => r.status === 'registered')! };
}

describe('two concurrent trainers', () => {
  it('promote exactly one model, first when there is no current model, then over an existing one', async () => {
    const registry = new ModelRegistry(models);
    const first = winnerAndLoser(await Promise.all([train(), train()]));
    expect(first.winner.version).not.toBe(first.loser.version);
    expect(first.loser.reason).toBe(
      `not promoted: ${NAME}/current changed during the run (it was unset, now ${first.winner.version}; another trainer promoted first). ` +
        'This model was compared against the old one; train again to compare with the new one.',
    );
    expect(first.loser.report.promotion).toMatchObject({ requested: true, attempted: true, promoted: false });
    expect((await registry.readCurrent(NAME))!.version).toBe(first.winner.version);

    const second = winnerAndLoser(await Promise.all([train(), train()]));
    expect(second.loser.reason).toMatch(new RegExp(`changed during the run \\(it was ${first.winner.version}, now ${second.winner.version};`));
    expect(second.winner.report.currentModel.version).toBe(first.winner.version);
    expect((await registry.readCurrent(NAME))!.version).toBe(second.winner.version);

    // Every run's model and report are kept; the reports say what happened to each.
    const names = await blobNames(models, `${NAME}/`);
    expect(names.filter((n) => n.endsWith('/report.json'))).toHaveLength(4);
    expect(await readJsonBlob(models, `${NAME}/${second.loser.version}/report.json`)).toMatchObject({ status: 'registered', reason: second.loser.reason });
  });
});
