// `npm run logs:deletions [-- --sweep]`: the audit trail of Personalizer log deletions (DELETE
// /personalizer/…/logs) kept in the archive container (ArchiveStorage / ArchiveContainer; without
// ArchiveStorage, the local Azurite of `npm start`): one line per deletion and sweep — when, who,
// range, what was removed, what the retention lock still holds. `--sweep` first retries the
// pending blobs now (what the daily sweepLogDeletions timer does). Last stdout line: JSON.
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { AzureClients } from '../../src/clients/azureClients';
import { readDeletionRecords, sweepPending, type LogDeletionRecord } from '../../src/archive/logDeletions';
import { command, flag, runCommand } from '../cli/commandLine';
import { createProgressRenderer, type ProgressStream } from '../cli/progress';
import { readLocalSettings } from '../local/localSettings';

export const LOG_DELETIONS = command({
  usage: 'npm run logs:deletions [-- --sweep]',
  summary: "Lists the Personalizer log deletions recorded in the archive container (the audit trail),\nand with --sweep first rewrites the blobs the retention lock no longer holds.",
  options: {
    sweep: flag('retry the blobs earlier deletions left pending before listing'),
  },
});

const range = (r: LogDeletionRecord['range']) => `${r.from ?? 'beginning'} .. ${r.to ?? 'deletion time'}`;

/** One line of the listing. */
export function describeRecord(r: LogDeletionRecord): string {
  const removed = `${r.removed.decisions} decisions, ${r.removed.rewards} rewards, ${r.removed.activations} activations from ${r.blobsRewritten} blobs`;
  const who = [r.requestedBy.operation, r.requestedBy.apiKeyFingerprint && `key ${r.requestedBy.apiKeyFingerprint}`, r.requestedBy.clientAddress].filter(Boolean).join(', ');
  if (r.kind === 'sweep') return `${r.requestedAt} sweep ${r.id}: ${removed}; deletions completed: ${(r.sweptDeletions ?? []).join(', ') || 'none'}; still locked: ${r.pendingBlobs.length} (${who})`;
  if (r.phase === 'started') return `${r.requestedAt} deletion ${r.id} started: ${range(r.range)} (${who})`;
  return `${r.requestedAt} deletion ${r.id}: ${range(r.range)}: ${removed}; under the retention lock: ${r.pendingBlobs.length} (${who})`;
}

export async function runLogDeletions(archive: ContainerClient, opts: { sweep: boolean; stdout: ProgressStream; stderr: ProgressStream }): Promise<LogDeletionRecord[]> {
  if (opts.sweep) {
    const progress = createProgressRenderer(opts.stderr);
    let done = 0;
    const sweep = await sweepPending(archive, await readDeletionRecords(archive), {
      requestedBy: { operation: 'npm run logs:deletions -- --sweep' },
      onBlob: () => progress.update({ step: 'pending blobs', done: ++done }),
    });
    progress.end();
    const changed = sweep !== undefined && (sweep.blobsRewritten > 0 || sweep.pendingBlobs.length > 0);
    opts.stderr.write(changed ? `sweep: ${sweep.blobsRewritten} blobs rewritten, ${sweep.pendingBlobs.length} still locked\n` : 'sweep: nothing to rewrite\n');
  }
  const records = await readDeletionRecords(archive);
  for (const r of records) opts.stdout.write(`${describeRecord(r)}\n`);
  opts.stdout.write(`${JSON.stringify({ deletions: records.filter((r) => r.kind === 'deletion' && r.phase !== 'started').length, records })}\n`);
  return records;
}

if (require.main === module) {
  void runCommand(LOG_DELETIONS, async (args) => {
    const appRoot = path.resolve(__dirname, '..', '..', '..');
    const env = { ...readLocalSettings(appRoot).values, ...process.env };
    if (!env.ArchiveStorage && !env.ArchiveStorage__blobServiceUri) env.ArchiveStorage = 'UseDevelopmentStorage=true';
    const app = new AzureClients(env);
    try {
      await runLogDeletions(app.archiveContainer(app.settings.archiveContainer), { sweep: args.sweep, stdout: process.stdout, stderr: process.stderr });
    } finally {
      await app.close().catch(() => {});
    }
  });
}
