import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { parseCaptureBody, type CaptureLimits, type CaptureRoute } from './captureRequest';
import { EventPublisher } from '../clients/eventHubPublisher';
import { readBodyText } from '../common/readBodyText';
import { catalogErrors, type KnownIds } from './catalogCheck';
import type { TrackedEvent } from '../events/eventSchema';

/** A reward the event gives (its decisionId verified), why it gives none, or undefined when it names no decision. */
export type RewardOf = (event: TrackedEvent, now: Date) => { reward: TrackedEvent } | { skipped: string } | undefined;

export interface CaptureDeps {
  publisher: EventPublisher;
  limits: CaptureLimits;
  /** The route's event types and identity rules (the browser route vs the keyed server route). */
  route?: CaptureRoute;
  /**
   * Turns product events that carry a recommendation's `decisionId` into that decision's reward,
   * sent with them (src/app wires the ranker's check in). Absent: no rewards are made.
   */
  rewardOf?: RewardOf;
  /** The catalogs an event's offerId / productId must be in (the browser route); absent: no check. */
  knownIds?: () => Promise<KnownIds>;
  now?: () => Date;
  log?: (message: string) => void;
}

/** Whether the body was an array (field names then carry the index). */
const isBatch = (body: string) => body.trimStart().startsWith('[');

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store', ...headers } };
}

/**
 * POST /api/events. Responds 202 with how many events were accepted; 400/413/415 name what is
 * wrong and send nothing; 503 when Event Hubs did not acknowledge some events within the send
 * timeout (those are listed, the others were accepted and must not be sent again).
 */
export async function handleCaptureRequest(request: HttpRequest, deps: CaptureDeps): Promise<HttpResponseInit> {
  const read = await readBodyText(request, deps.limits.maxBytes);
  if (!read.ok) return json(413, { error: `body: ${read.message}` });
  const partial = ['true', '1'].includes((request.query.get('partial') ?? '').toLowerCase());
  const body = read.text;
  const now = (deps.now ?? (() => new Date()))();
  const parsed = parseCaptureBody(body, request.headers.get('content-type'), deps.limits, now, partial, deps.route);
  if (!parsed.ok) {
    return json(parsed.status, { error: parsed.error, ...(parsed.rejected ? { rejected: parsed.rejected } : {}) });
  }
  if (deps.knownIds) {
    let known: KnownIds = {};
    try {
      known = await deps.knownIds();
    } catch (error) {
      // A catalog that cannot be read must not stop capture: the events pass unchecked.
      deps.log?.(`capture: catalog unavailable, ids not checked: ${(error as Error).message}`);
    }
    const kept: number[] = [];
    parsed.events.forEach((event, i) => {
      const errors = catalogErrors(event, known);
      if (errors) parsed.rejected.push({ index: parsed.indexes[i], errors: errors.map((e) => ({ ...e, field: isBatch(body) ? `[${parsed.indexes[i]}].${e.field}` : e.field })) });
      else kept.push(i);
    });
    if (kept.length < parsed.events.length) {
      parsed.rejected.sort((a, b) => a.index - b.index);
      if (!partial || kept.length === 0) {
        const detail = parsed.rejected.flatMap((r) => r.errors.map((e) => `${e.field} ${e.message}`)).slice(0, 5).join('; ');
        return json(400, { error: `${parsed.rejected.length} events are invalid: ${detail}`, rejected: parsed.rejected });
      }
      parsed.events = kept.map((i) => parsed.events[i]);
      parsed.indexes = kept.map((i) => parsed.indexes[i]);
    }
  }
  const { events, origin } = withRewards(parsed.events, deps, now);
  const result = await deps.publisher.publish(events);
  const rejected = parsed.rejected;
  if (result.failed.length > 0) {
    deps.log?.(`capture: ${result.failed.length} of ${events.length} events could not be sent: ${result.failed[0].reason}`);
    // A reward that failed fails the tracked event it came from: sending that again makes the same
    // reward (same id), which the trainer reads once.
    const failedTracked = [...new Set(result.failed.map((f) => origin[f.index]))].sort((a, b) => a - b);
    const failed = failedTracked.map((i) => ({ index: parsed.indexes[i], reason: 'Event Hubs did not acknowledge the event; send it again' }));
    const accepted = parsed.events.length - failedTracked.length;
    const error = accepted === 0
      ? 'Event Hubs is unavailable: no event was stored; send the events again later'
      : 'some events could not be stored; send the failed ones again';
    return json(503, { error, accepted, failed, rejected }, { 'retry-after': '5' });
  }
  return json(202, { accepted: parsed.events.length, ...(rejected.length > 0 ? { rejected } : {}) });
}

/**
 * The events to publish: the accepted ones, then the rewards they give. `origin[i]` is the index
 * (among the accepted events) of the tracked event that published event i is or came from. A
 * decisionId that does not verify gives no reward; the event is stored all the same.
 */
function withRewards(tracked: TrackedEvent[], deps: CaptureDeps, now: Date): { events: TrackedEvent[]; origin: number[] } {
  const origin = tracked.map((_, i) => i);
  if (deps.rewardOf === undefined || !tracked.some((e) => e.decisionId !== undefined)) return { events: tracked, origin };
  const events = tracked.slice();
  const skipped = new Map<string, number>();
  tracked.forEach((event, i) => {
    if (event.decisionId === undefined) return;
    const result = deps.rewardOf!(event, now);
    if (result === undefined) return;
    if ('reward' in result) {
      events.push(result.reward);
      origin.push(i);
    } else skipped.set(result.skipped, (skipped.get(result.skipped) ?? 0) + 1);
  });
  if (skipped.size > 0) deps.log?.(`capture: decisionId gave no reward (${[...skipped].map(([reason, n]) => `${reason} ${n}`).join(', ')})`);
  return { events, origin };
}
