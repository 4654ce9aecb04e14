import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { readDeletionRecords, sweepPending } from '../src/archive/logDeletions';

// Personalizer log deletions whose blobs the archive's retention lock held (docs/personalizer-migration.md,
// "Deleting logs"): once a day the blobs left pending are tried again, so the raw bytes go as soon
// as their retention period ends. Does nothing (one list call) when no deletion is pending.
app.timer('sweepLogDeletions', {
  schedule: '0 45 2 * * *',
  runOnStartup: false,
  useMonitor: true,
  handler: async (_timer, context) => {
    const clients = appServices().clients;
    const archive = clients.archiveContainer(clients.settings.archiveContainer);
    const sweep = await sweepPending(archive, await readDeletionRecords(archive), { requestedBy: { operation: 'sweepLogDeletions timer' } });
    if (sweep) {
      context.log(
        `logs: sweep ${sweep.id} rewrote ${sweep.blobsRewritten} blobs (${sweep.removed.decisions} decisions, ${sweep.removed.rewards} rewards, ${sweep.removed.activations} activations removed); ` +
          `${sweep.pendingBlobs.length} still under the retention lock`,
      );
    }
  },
});
