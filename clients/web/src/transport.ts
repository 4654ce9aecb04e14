// The two ways a browser sends: fetch (with keepalive, so a send started just before the page goes
// away still completes) and navigator.sendBeacon (for the page going away). Bodies go as
// text/plain: a "simple" CORS request, so no preflight round trip; the capture route reads it as
// JSON. Credentials are never sent: the tracker sets and reads no cookie.

export interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

export interface Transport {
  /** POSTs a body; rejects on a network error (offline, DNS, connection reset). */
  post(url: string, body: string, keepalive: boolean): Promise<Answer>;
  /** GETs JSON; rejects on a network error. */
  get(url: string): Promise<Answer>;
  /** Queues a body for sending after the page is gone; false when the browser refused it. */
  beacon?(url: string, body: string): boolean;
}

async function answer(response: Response): Promise<Answer> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

/** fetch and sendBeacon of the page. */
export const browserTransport: Transport = {
  post: (url, body, keepalive) =>
    fetch(url, { method: 'POST', body, keepalive, credentials: 'omit', headers: { 'content-type': 'text/plain' } }).then(answer),
  get: (url) => fetch(url, { credentials: 'omit' }).then(answer),
  beacon: (url, body) => typeof navigator !== 'undefined' && !!navigator.sendBeacon && navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' })),
};
