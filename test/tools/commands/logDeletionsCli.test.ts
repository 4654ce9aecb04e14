// `npm run logs:deletions`: the audit trail of log deletions as the command prints it, and its
// --sweep, against Azurite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveWriter } from '../../../src/archive/archiveWriter';
import { deleteLoggedEvents } from '../../../src/archive/logDeletions';
import { LOG_DELETIONS, runLogDeletions } from '../../../tools/commands/logDeletions';
import { helpText } from '../../../tools/cli/commandLine';
import { T0, makeBatch, startBlobEnv, type BlobEnv } from '../../archive/archiveTestKit';

let env: BlobEnv;
beforeAll(async () => {
  env = await startBlobEnv();
}, 60_000);
afterAll(async () => env?.stop());

const capture = () => {
  let text = '';
  return { stream: { write: (chunk: string) => (text += chunk) }, text: () => text };
};

describe('npm run logs:deletions', () => {
  it('lists each deletion with when, who, range and counts; the last line is JSON', async () => {
    const archive = env.container('archive');
    const decision = (seq: number) => ({
      body: { id: `d${seq}`, type: 'decision', userId: 'u', timestamp: new Date(T0 + seq).toISOString(), decision: { eventId: `e${seq}` } },
      sequenceNumber: seq, offset: String(seq), enqueuedTimeUtc: new Date(T0 + seq), properties: {},
    });
    await new ArchiveWriter(archive).write(makeBatch('0', [decision(0), decision(1)]));
    const record = await deleteLoggedEvents(archive, { toMs: T0 + 1 }, { requestedBy: { operation: 'Log_Delete', apiKeyFingerprint: 'abcdef012345', clientAddress: '198.51.100.7' } });

    const out = capture();
    const err = capture();
    const records = await runLogDeletions(archive, { sweep: true, stdout: out.stream, stderr: err.stream });
    expect(records).toHaveLength(2);
    const lines = out.text().trimEnd().split('\n');
    expect(lines[0]).toContain(`deletion ${record.id}: beginning .. ${new Date(T0 + 1).toISOString()}: 1 decisions, 0 rewards, 0 activations from 1 blobs; under the retention lock: 0 (Log_Delete, key abcdef012345, 198.51.100.7)`);
    expect(lines[1]).toContain(`deletion ${record.id} started`);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ deletions: 1, records: [{ id: record.id, phase: 'finished' }, { id: record.id, phase: 'started' }] });
    expect(err.text()).toContain('sweep: nothing to rewrite');
    expect(helpText(LOG_DELETIONS)).toContain('--sweep');
  });
});
