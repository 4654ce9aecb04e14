// `npm run model`: the deployer's model import and reset against Azurite, the same checks as
// PUT / DELETE /model (signature, scorer's checks, promotion), and refused on a serving-only
// registry setting like the app.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../../src/models/modelRegistry';
import { exportModelArchive } from '../../../src/ranking/modelTransfer';
import { runModelCommand } from '../../../tools/commands/model';
import { gbdtOnnx, randomGbdt } from '../../ranking/fixtures/treeModels';
import { OFFER_CONTRACT_WIDTH, manifestFor } from '../../ranking/fixtures/contracts';
import { startBlobEnv, type BlobEnv } from '../../training/offers/pipelineTestKit';

let env: BlobEnv;
let archive: string;
const key = crypto.randomBytes(32);

beforeAll(async () => {
  env = await startBlobEnv('model-cli');
  const bytes = gbdtOnnx(randomGbdt({ trees: 8, depth: 3, features: OFFER_CONTRACT_WIDTH, seed: 21 }));
  archive = path.join(env.tmp, 'exported.zip');
  fs.writeFileSync(archive, exportModelArchive(Buffer.from(bytes), { ...manifestFor(bytes, 'v7'), name: 'elsewhere', version: 'v7' }, key));
}, 60_000);
afterAll(async () => {
  await env?.stop();
});

function sink() {
  let text = '';
  return { isTTY: false, columns: 120, write: (s: string) => ((text += s), true), get text() { return text; } };
}

async function run(argv: string[], extra: Record<string, string> = {}) {
  const stdout = sink();
  const stderr = sink();
  const code = await runModelCommand(argv, {
    env: { ArchiveStorage: env.az.connectionString, ModelsContainer: 'cli-models', RankingModelName: 'cli-ranker', RankingSigningKeys: key.toString('base64'), ...extra },
    stdout,
    stderr,
    exit: () => {},
    now: () => new Date(Date.UTC(2026, 11, 6, 7, 0, 0)),
  });
  return { code, out: stdout.text, err: stderr.text };
}

describe('npm run model', () => {
  const registry = () => new ModelRegistry(env.container('cli-models'));

  it('imports a signed archive as import-<time> and promotes it, then resets the pointer', async () => {
    const imported = await run(['--import', archive]);
    expect(imported.code, imported.err).toBe(0);
    expect(JSON.parse(imported.out)).toEqual({ status: 'promoted', model: 'cli-ranker', version: 'import-20261206T070000Z', from: 'import (elsewhere/v7)' });
    expect((await registry().readCurrent('cli-ranker'))?.version).toBe('import-20261206T070000Z');
    const manifest = (await registry().loadVersion('cli-ranker', 'import-20261206T070000Z')).manifest as { name: string; producer: string };
    expect(manifest).toMatchObject({ name: 'cli-ranker', producer: 'import (elsewhere/v7)' });

    const reset = await run(['--reset']);
    expect(reset.code, reset.err).toBe(0);
    expect(JSON.parse(reset.out)).toEqual({ status: 'reset', model: 'cli-ranker' });
    expect(await registry().readCurrent('cli-ranker')).toBeUndefined();
    expect(JSON.parse((await run(['--reset'])).out)).toEqual({ status: 'none', model: 'cli-ranker' });
  });

  it('refuses an archive signed with another key, a serving-only setting, and bad flags', async () => {
    const foreign = await run(['--import', archive, '--model', 'foreign'], { RankingSigningKeys: crypto.randomBytes(32).toString('base64') });
    expect(foreign.code).toBe(1);
    expect(foreign.err).toMatch(/^model: .*signature/);
    expect(await registry().readCurrent('foreign')).toBeUndefined();

    const servingOnly = await run(['--import', archive, '--model', 'serving'], { ModelRegistryAccess: 'read' });
    expect(servingOnly.code).toBe(1);
    expect(servingOnly.err).toMatch(/registering serving\/import-20261206T070000Z: refused, .*ModelRegistryAccess=read/);
    expect(await registry().readCurrent('serving')).toBeUndefined();

    expect((await run([])).code).toBe(2);
    expect((await run(['--reset', '--import', archive])).err).toMatch(/exactly one of --import/);
    expect((await run(['--import', path.join(env.tmp, 'missing.zip')])).err).toMatch(/--import: no such file/);
  });
});
