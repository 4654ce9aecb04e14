import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { parseCaptureBody, CaptureLimits } from './captureRequest';
import { EventPublisher } from '../clients/eventHubPublisher';

export interface CaptureDeps {
  publisher: EventPublisher;
  limits: CaptureLimits;
  now?: () => Date;
  log?: (message: string) => void;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store', ...headers } };
}

/**
 * POST /api/events. Responds 202 with how many events were accepted; 400/413/415 name what is
 * wrong and send nothing; 503 when Event Hubs did not acknowledge some events within the send
 * timeout (those are listed, the others were accepted and must not be sent again).
 */
export async function handleCaptureRequest(request: HttpRequest, deps: CaptureDeps): Promise<HttpResponseInit> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > deps.limits.maxBytes) {
    return json(413, { error: `body: is larger than ${deps.limits.maxBytes} bytes` });
  }
  const partial = ['true', '1'].includes((request.query.get('partial') ?? '').toLowerCase());
  const body = await request.text();
  const parsed = parseCaptureBody(body, request.headers.get('content-type'), deps.limits, (deps.now ?? (() => new Date()))(), partial);
  if (!parsed.ok) {
    return json(parsed.status, { error: parsed.error, ...(parsed.rejected ? { rejected: parsed.rejected } : {}) });
  }
  const result = await deps.publisher.publish(parsed.events);
  const rejected = parsed.rejected;
  if (result.failed.length > 0) {
    deps.log?.(`capture: ${result.failed.length} of ${parsed.events.length} events could not be sent: ${result.failed[0].reason}`);
    const failed = result.failed.map((f) => ({ index: parsed.indexes[f.index], reason: 'Event Hubs did not acknowledge the event; send it again' }));
    const error = result.sent === 0
      ? 'Event Hubs is unavailable: no event was stored; send the events again later'
      : 'some events could not be stored; send the failed ones again';
    return json(503, { error, accepted: result.sent, failed, rejected }, { 'retry-after': '5' });
  }
  return json(202, { accepted: result.sent, ...(rejected.length > 0 ? { rejected } : {}) });
}
