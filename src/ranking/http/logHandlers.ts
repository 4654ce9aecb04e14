// GET /logs/properties: the date range of the logged data (the raw archive's time windows), less
// the windows a log deletion emptied.
// DELETE /logs: every logged decision, reward and activation removed from the archive (the
// training view at once, through the deletion's tombstone; the blobs as the retention lock allows),
// with an audit record (src/archive/logDeletions.ts). Personalizer deletes all; ?from=&to= (ours)
// limit it to a date range.
import crypto from 'node:crypto';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { ContainerClient } from '@azure/storage-blob';
import { parseBlobName } from '../../archive/archiveLayout';
import { deleteLoggedEvents, readTombstones, windowDeleted } from '../../archive/logDeletions';
import { API_KEY_HEADER } from '../apiKeyAuth';
import { badRequest, serviceUnavailable } from '../personalizerErrors';

export interface LogApiDeps {
  archive: ContainerClient;
  /** The archive's window length: a blob holds events up to its window start plus this. */
  windowMinutes: number;
  now?: () => Date;
  log?: (message: string) => void;
}

export async function handleLogProperties(deps: LogApiDeps): Promise<HttpResponseInit> {
  try {
    let from = Infinity;
    let to = -Infinity;
    if (await deps.archive.exists()) {
      const tombstones = await readTombstones(deps.archive);
      for await (const blob of deps.archive.listBlobsFlat({ includeMetadata: true })) {
        const parsed = parseBlobName(blob.name);
        if (!parsed) continue;
        const end = parsed.timeMs + deps.windowMinutes * 60_000;
        const last = Date.parse(blob.metadata?.lastenqueuedtimeutc ?? '');
        if (windowDeleted(parsed.timeMs, Number.isNaN(last) ? end : last, tombstones)) continue;
        from = Math.min(from, parsed.timeMs);
        to = Math.max(to, end);
      }
    }
    const dateRange = Number.isFinite(from) ? { from: new Date(from).toISOString(), to: new Date(to).toISOString() } : {};
    return { status: 200, jsonBody: { dateRange }, headers: { 'cache-control': 'no-store' } };
  } catch (error) {
    deps.log?.(`log properties failed: ${(error as Error).stack ?? error}`);
    return serviceUnavailable('The log archive is unavailable right now; try again.');
  }
}

function dateParameter(request: HttpRequest, name: string): { ms?: number } | { response: HttpResponseInit } {
  const text = request.query.get(name);
  if (text === null || text === '') return {};
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) return { response: badRequest(name, `must be an ISO 8601 date or date-time, got "${text.slice(0, 64)}"`, 'InvalidRequest') };
  return { ms };
}

export async function handleLogDelete(request: HttpRequest, deps: LogApiDeps): Promise<HttpResponseInit> {
  const from = dateParameter(request, 'from');
  if ('response' in from) return from.response;
  const to = dateParameter(request, 'to');
  if ('response' in to) return to.response;
  if (from.ms !== undefined && to.ms !== undefined && !(from.ms < to.ms)) return badRequest('to', 'must be after from', 'InvalidRequest');
  const key = request.headers.get(API_KEY_HEADER) ?? '';
  const requestedBy = {
    operation: 'Log_Delete',
    apiKeyFingerprint: crypto.createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 12),
    ...(request.headers.get('x-forwarded-for') ? { clientAddress: request.headers.get('x-forwarded-for')!.split(',')[0].trim().slice(0, 64) } : {}),
  };
  try {
    const record = await deleteLoggedEvents(deps.archive, { fromMs: from.ms, toMs: to.ms }, { requestedBy, ...(deps.now ? { now: deps.now } : {}) });
    const r = record.removed;
    deps.log?.(
      `logs: deletion ${record.id} (${record.range.from ?? 'beginning'} to ${record.range.to ?? 'now'}) removed ${r.decisions} decisions, ${r.rewards} rewards, ${r.activations} activations from ${record.blobsRewritten} blobs` +
        (record.pendingBlobs.length > 0 ? `; ${record.pendingBlobs.length} blobs are under the retention lock (hidden from training, rewritten by a later deletion's sweep)` : ''),
    );
    return { status: 204, headers: { 'cache-control': 'no-store', 'x-log-deletion-id': record.id } };
  } catch (error) {
    deps.log?.(`log deletion failed: ${(error as Error).stack ?? error}`);
    return serviceUnavailable('The log archive is unavailable right now; delete again (what was deleted stays deleted).');
  }
}
