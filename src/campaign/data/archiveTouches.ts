// Touches from the event archive: `campaign_touch` events (POST /api/events) become touches, and
// a `campaign_response` marks its touch converted — the touch it names in touchId, or else the
// latest touch of the same lead and campaign in the ATTRIBUTION_DAYS before the response.
import type { ArchivedEvent } from '../../archive/archiveReader';
import { CHANNELS, DAYS, TIME_SLOTS, type Channel } from '../../events/contactCombinations';
import type { Touch } from './records';

export const ATTRIBUTION_DAYS = 14;

export interface ArchiveTouchStats {
  touchEvents: number;
  responseEvents: number;
  /** Responses that matched no touch (named touch absent, or none in the window). */
  unmatchedResponses: number;
  /** Campaign events without the fields a touch needs (e.g. written before day/timeSlot existed). */
  skipped: number;
}

type Obj = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** Touches (sorted by time) from parsed event bodies; other event types are ignored. */
export function touchesFromEvents(events: Iterable<unknown>): { touches: Touch[]; stats: ArchiveTouchStats } {
  const stats: ArchiveTouchStats = { touchEvents: 0, responseEvents: 0, unmatchedResponses: 0, skipped: 0 };
  const touches = new Map<string, Touch>();
  const responses: Obj[] = [];
  for (const raw of events) {
    if (typeof raw !== 'object' || raw === null) continue;
    const e = raw as Obj;
    if (e.type === 'campaign_response') {
      stats.responseEvents++;
      responses.push(e);
      continue;
    }
    if (e.type !== 'campaign_touch') continue;
    stats.touchEvents++;
    const id = str(e.id);
    const leadId = str(e.leadId);
    const campaignId = str(e.campaignId);
    const channel = CHANNELS.includes(e.channel as Channel) ? (e.channel as Channel) : undefined;
    const day = DAYS.indexOf(e.day as (typeof DAYS)[number]);
    const slot = TIME_SLOTS.indexOf(e.timeSlot as (typeof TIME_SLOTS)[number]);
    const timeMs = typeof e.timestamp === 'string' ? Date.parse(e.timestamp) : NaN;
    if (!id || !leadId || !campaignId || !channel || day < 0 || slot < 0 || !Number.isFinite(timeMs)) {
      stats.skipped++;
      continue;
    }
    // The archive delivers each event once; a client retry with the same id is the same touch.
    if (!touches.has(id)) touches.set(id, { touchId: id, leadId, campaignId, channel, day, slot, touchedAt: e.timestamp as string, timeMs, converted: false });
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
    const named = str(r.touchId);
    let touch = named ? touches.get(named) : undefined;
    if (!named) {
      const atMs = typeof r.timestamp === 'string' ? Date.parse(r.timestamp) : NaN;
      const list = byLeadCampaign.get(`${str(r.leadId)}\u0000${str(r.campaignId)}`) ?? [];
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
