// The CLI (exit codes, summary, last-line JSON, progress on stderr). Continuous learning (the
// timer) is tested in test/training/continuousLearning.
import path from 'node:path';
import { AzureClients } from '../../../src/clients/azureClients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliUsageError } from '../../../tools/cli/commandLine';
import { parseTrainArgs as parseCliArgs, runCli } from '../../../tools/commands/train';
import { createProgressRenderer } from '../../../tools/cli/progress';
import { generateDecisionLog } from '../../../tools/synthetic/decisions/syntheticDecisionLog';
import { DAY, T0, downloadArchive, readJsonBlob, seedArchive, startBlobEnv, type BlobEnv } from '../../training/offers/pipelineTestKit';

let env: BlobEnv;
let folder: string;
const NOW = new Date(T0 + 10 * DAY);

beforeAll(async () => {
  env = await startBlobEnv('training-cli');
  await seedArchive(env.container('archive'), generateDecisionLog({ decisions: 1500, startMs: T0, seed: 31 }).events);
  folder = path.join(env.tmp, 'downloaded-archive');
  await downloadArchive(env.container('archive'), folder);
}, 60_000);
afterAll(async () => {
  await env?.stop();
});

function sink(isTTY = false) {
  let text = '';
  return { isTTY, columns: 120, write: (s: string) => (text += s), get text() { return text; } };
}

async function cli(argv: string[], extraEnv: Record<string, string> = {}) {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(argv, {
    env: { ArchiveStorage: env.az.connectionString, ModelsContainer: 'cli-models', RankingModelName: 'cli-ranker', ...extraEnv },
    stdout,
    stderr,
    now: () => NOW,
  });
  const lines = stdout.text.trimEnd().split('\n');
  const last = lines[lines.length - 1];
  return { code, out: stdout.text, err: stderr.text, json: last.startsWith('{') ? JSON.parse(last) : undefined };
}

describe('npm run train', () => {
  it('trains from a downloaded archive folder: summary, JSON last line, exit 0', async () => {
    const { code, out, err, json } = await cli(['--model', 'offers', '--archive-folder', folder, '--min-decisions', '100', '--min-positives', '10']);
    expect(code, err).toBe(0);
    expect(json).toMatchObject({ status: 'promoted', model: 'cli-ranker', decisions: 1500, validationDecisions: 300, report: `cli-ranker/${json.version}/report.json` });
    expect(json.policyValueDr).toBeGreaterThan(json.loggingPolicyValue);
    expect(out).toMatch(/^Training cli-ranker: PROMOTED v\d{8}T\d{6}Z-[0-9a-f]{6} in \d/);
    expect(out).toMatch(/\n {2}policy {5}new model, greedy: DR 0\.\d{4} \[/);
    expect(out).toMatch(/\n {2}gate {7}pass policyValue: /);
    // Not a TTY: plain lines per 10%, ending at 100% for every step with a total.
    for (const step of ['train', 'verify onnx', 'evaluate policy', 'register']) expect(err).toContain(`${step}: 100% (`);
    expect(err).toMatch(/train: 10% \(/);
    expect(err).not.toContain('\r');
    const models = new AzureClients({ ArchiveStorage: env.az.connectionString }).archiveContainer('cli-models');
    expect(await readJsonBlob(models, 'cli-ranker/current')).toMatchObject({ version: json.version });
  });

  it('reads the archive container of the settings and honours --from/--to and --no-promote', async () => {
    const { code, json } = await cli(['--model', 'other-ranker', '--from', '2026-11-01T06:00:00Z', '--to', '2026-11-02', '--no-promote', '--min-decisions', '100', '--min-positives', '5']);
    expect(code).toBe(0);
    expect(json).toMatchObject({ status: 'registered', model: 'other-ranker', reason: 'not promoted: promotion was not requested (--no-promote)' });
    // 1500 decisions a minute apart from 2026-11-01T00:00Z: those from 06:00 to midnight.
    expect(json.decisions).toBe(18 * 60);
  });

  it('exits 2 on bad data and 1 on a usage error, the last line JSON either way', async () => {
    const rejected = await cli(['--model', 'offers', '--archive-folder', path.join(folder, 'nonexistent')]);
    expect(rejected.code).toBe(2);
    expect(rejected.json).toMatchObject({ status: 'rejected', version: null });
    expect(rejected.json.reason).toMatch(/^archive \(folder .*nonexistent\): cannot be read: dir must be an existing folder/);
    expect(rejected.out).toMatch(/^Training cli-ranker: REJECTED/);
    const usage = await cli(['--model']);
    expect(usage.code).toBe(1);
    expect(usage.json).toEqual({ status: 'error', reason: '--model needs a value' });
    expect(usage.err).toContain('Usage: npm run train');
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: npm run train -- --model offers/);
  });

  it('parses arguments strictly', () => {
    expect(parseCliArgs(['--model=offers', '--from', '2026-11-01', '--margin', '0.02'])).toMatchObject({ model: 'offers', from: new Date('2026-11-01T00:00:00Z'), margin: 0.02, promote: true });
    expect(() => parseCliArgs(['--model', 'offers', '--from', 'yesterday'])).toThrow(CliUsageError);
    expect(() => parseCliArgs(['--model', 'offers', '--from', '2026-11-02', '--to', '2026-11-01'])).toThrow(/--from must be before --to/);
    expect(() => parseCliArgs(['--model', 'offers', '--min-decisions', '1.5'])).toThrow(/whole number/);
    expect(() => parseCliArgs(['--modle', 'offers'])).toThrow(/unknown argument --modle \(did you mean --model\?\)/);
    expect(() => parseCliArgs([])).toThrow(/--model is required/);
  });

  it('draws a bar in place on a terminal', () => {
    const tty = sink(true);
    let t = 0;
    const bar = createProgressRenderer(tty, () => (t += 1000));
    for (let i = 1; i <= 4; i++) bar.update({ step: 'train', done: i, total: 4 });
    bar.update({ step: 'read archive', done: 5000 });
    bar.end();
    expect(tty.text).toContain('\r\x1b[K  train            [######..................]  25%  1/4');
    expect(tty.text).toContain('[########################] 100%  4/4\n');
    expect(tty.text).toContain('\r\x1b[K  read archive     5,000 …\n');
  });
});
