// Touches from the event archive: `campaign_touch` events (POST /api/events) become touches, and
// a `campaign_response` marks its touch converted — the touch it names in touchId, or else the
// latest touch of the same lead and campaign in the ATTRIBUTION_DAYS before the response. Each
// campaign event is checked with the tracked-event validator every archive reader uses.
import type { ArchivedEvent } from '../../archive/archiveReader';
import { DAYS, TIME_SLOTS } from '../../events/contactCombinations';
import type { TrackedEvent } from '../../events/eventSchema';
import { checkEventValue } from '../../events/eventValidation';
import type { Touch } from './records';

export const ATTRIBUTION_DAYS = 14;

export interface ArchiveTouchStats {
  touchEvents: number;
  responseEvents: number;
  /** Responses that matched no touch (named touch absent, or none in the window). */
  unmatchedResponses: number;
  /**
   * Campaign events that are not valid tracked events, and touches without the fields a touch
   * needs (e.g. written before day/timeSlot existed).
   */
  skipped: number;
}

/** Touches (sorted by time) from parsed event bodies; other event types are ignored. */
export function touchesFromEvents(events: Iterable<unknown>): { touches: Touch[]; stats: ArchiveTouchStats } {
  const stats: ArchiveTouchStats = { touchEvents: 0, responseEvents: 0, unmatchedResponses: 0, skipped: 0 };
  const touches = new Map<string, Touch>();
  const responses: TrackedEvent[] = [];
  for (const raw of events) {
    if (typeof raw !== 'object' || raw === null) continue;
    const type = (raw as { type?: unknown }).type;
    if (type !== 'campaign_touch' && type !== 'campaign_response') continue;
    if (type === 'campaign_response') stats.responseEvents++;
    else stats.touchEvents++;
    const checked = checkEventValue(raw);
    if (!checked.ok) {
      stats.skipped++;
      continue;
    }
    const e = checked.event;
    if (e.type === 'campaign_response') {
      responses.push(e);
      continue;
    }
    // Valid touches have leadId, campaignId and channel; day and timeSlot since capture adds them.
    const day = e.day === undefined ? -1 : DAYS.indexOf(e.day);
    const slot = e.timeSlot === undefined ? -1 : TIME_SLOTS.indexOf(e.timeSlot);
    if (day < 0 || slot < 0) {
      stats.skipped++;
      continue;
    }
    // The archive delivers each event once; a client retry with the same id is the same touch.
    if (!touches.has(e.id)) {
      touches.set(e.id, { touchId: e.id, leadId: e.leadId!, campaignId: e.campaignId!, channel: e.channel!, day, slot, touchedAt: e.timestamp, timeMs: checked.timeMs, converted: false });
    }
  }
  const byLeadCampaign = new Map<string, Touch[]>();
  for (const t of touches.values()) {
    const key = `${t.leadId}\u0000${t.campaignId}`;
    const list = byLeadCampaign.get(key);
    if (list) list.push(t);
    else byLeadCampaign.set(key, [t]);
  }
  for (const list of byLeadCampaign.values()) list.sort((a, b) => a.timeMs - b.timeMs);
  const windowMs = ATTRIBUTION_DAYS * 86_400_000;
  for (const r of responses) {
    const named = r.touchId;
    let touch = named ? touches.get(named) : undefined;
    if (!named) {
      const atMs = Date.parse(r.timestamp);
      const list = byLeadCampaign.get(`${r.leadId}\u0000${r.campaignId}`) ?? [];
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].timeMs <= atMs) {
          if (atMs - list[i].timeMs <= windowMs) touch = list[i];
          break;
        }
      }
    }
    if (touch) touch.converted = true;
    else stats.unmatchedResponses++;
  }
  return { touches: [...touches.values()].sort((a, b) => a.timeMs - b.timeMs), stats };
}

/** Reads the archive and keeps the campaign events' bodies. */
export async function campaignEventsFromArchive(events: AsyncIterable<ArchivedEvent>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of events) {
    // Cheap filter before parsing: only campaign events matter here.
    if (!e.body.includes('"campaign_')) continue;
    try {
      out.push(JSON.parse(e.body.toString('utf8')) as unknown);
    } catch {
      // Not JSON: not one of ours (the capture path only archives validated JSON events).
    }
  }
  return out;
}
