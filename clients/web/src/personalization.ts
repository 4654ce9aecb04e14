// The tracker a page creates: events (typed from the server's schema), identity, consent, and the
// read routes (recommendations, similar, bought-together, ranked offers) with their rewards.
import { Delivery } from './delivery';
import { EventQueue, type QueuedEvent } from './eventQueue';
import type { EventFields, EventType, RequiredFields } from './eventTypes.generated';
import { KEYS, pageStorage, readJson, writeJson, type KeyValueStore } from './storage';
import { browserTransport, type Transport } from './transport';

export interface PersonalizationOptions {
  /** Origin of the function app, e.g. https://shop-fn.azurewebsites.net; default: this page's origin. */
  endpoint?: string;
  /** Consent already given (e.g. by the page's consent banner earlier); default false: nothing is sent or stored until consent(true). */
  consent?: boolean;
  /** Track a page_view when consent is given and on every page(); default true. */
  pageViews?: boolean;
  /** Events per request (server maximum 500); default 20. */
  batchSize?: number;
  /** Longest wait before a partial batch is sent, ms; default 1000. */
  flushIntervalMs?: number;
  /** Most events kept while offline; the oldest are dropped past it. Default 500. */
  maxQueue?: number;
  /** First retry after about this many ms, doubling up to retryMaxMs; defaults 1000 and 60000. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Context added to every event (device, channel, locale …). */
  context?: EventFields['context'];
  /** Where ids and the offline queue are kept; default the page's localStorage. */
  storage?: KeyValueStore;
  transport?: Transport;
  random?: () => number;
  /** Called with events the server refused as invalid and queue overflows. */
  onError?: (message: string) => void;
}

/** Fields a page gives to track(): the type's required fields and any other; ids, user and time are filled in. */
export type TrackFields<T extends EventType> = Omit<EventFields, keyof RequiredFields[T] | 'id' | 'type' | 'userId' | 'anonymousId' | 'userToken'> & RequiredFields[T];

export interface RecommendedProduct {
  id: string;
  score?: number;
  title?: string;
  category?: string;
  price?: number;
  [field: string]: unknown;
}

/** A list with the decision it came from: pass `eventId` to productClicked / offerClicked. */
export interface Recommendations {
  items: RecommendedProduct[];
  eventId: string | null;
  [field: string]: unknown;
}

export interface RankedOffers {
  offers: { id: string; [field: string]: unknown }[];
  eventId: string | null;
  rewardActionId: string | null;
}

export interface RecommendationQuery {
  n?: number;
  mode?: 'all' | 'new';
  country?: string;
  [parameter: string]: string | number | undefined;
}

export class RequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function newId(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** The server's anonymous namespace (src/events/userToken.ts): ids with it are stored as sent. */
const ANONYMOUS_PREFIX = 'anon-';

const query = (params: Record<string, unknown>): string =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');

export class Personalization {
  private readonly base: string;
  private readonly transport: Transport;
  private readonly queue: EventQueue;
  private readonly delivery: Delivery;
  private readonly store: KeyValueStore | undefined;
  private granted = false;
  private anonymous: string | undefined;
  private user: { userId: string; token: string } | undefined;

  constructor(private readonly options: PersonalizationOptions = {}) {
    const o = options;
    this.base = (o.endpoint ?? (typeof location !== 'undefined' ? location.origin : '')).replace(/\/+$/, '');
    this.transport = o.transport ?? browserTransport;
    this.store = o.storage ?? pageStorage();
    const onError = o.onError ?? (() => undefined);
    this.queue = new EventQueue(KEYS.queue, o.maxQueue ?? 500, (n) => onError(`offline queue full: dropped the ${n} oldest events`));
    this.delivery = new Delivery({
      url: `${this.base}/api/events?partial=true`,
      transport: this.transport,
      queue: this.queue,
      batchSize: Math.min(500, o.batchSize ?? 20),
      flushMs: o.flushIntervalMs ?? 1000,
      retryBaseMs: o.retryBaseMs ?? 1000,
      retryMaxMs: o.retryMaxMs ?? 60_000,
      random: o.random ?? Math.random,
      onError,
    });
    if (typeof addEventListener === 'function') {
      addEventListener('pagehide', () => this.delivery.sendBeforeUnload());
      addEventListener('online', () => this.delivery.retryNow());
      if (typeof document !== 'undefined') {
        document.addEventListener('visibilitychange', () => {
          if (document.visibilityState === 'hidden') this.delivery.sendBeforeUnload();
        });
      }
    }
    if (o.consent) this.consent(true);
  }

  /** The shopper's id before sign-in (first-party storage); undefined before consent. */
  get anonymousId(): string | undefined {
    return this.anonymous;
  }

  get userId(): string | undefined {
    return this.user?.userId;
  }

  /**
   * Consent given: ids and the offline queue are kept from now on, events are sent, and events an
   * earlier page left queued go out. Withdrawn: the queue, the ids and the signed-in user are
   * erased from memory and storage and nothing more is sent.
   */
  consent(granted: boolean): void {
    if (granted === this.granted) return;
    this.granted = granted;
    if (!granted) {
      this.delivery.stop();
      this.queue.clear();
      for (const key of [KEYS.anonymousId, KEYS.user]) {
        try {
          this.store?.removeItem(key);
        } catch {
          // nothing more to erase
        }
      }
      this.anonymous = this.user = undefined;
      return;
    }
    this.anonymous = readJson<string>(this.store, KEYS.anonymousId);
    if (typeof this.anonymous !== 'string') {
      this.anonymous = ANONYMOUS_PREFIX + newId();
      writeJson(this.store, KEYS.anonymousId, this.anonymous);
    }
    const user = readJson<{ userId: string; token: string }>(this.store, KEYS.user);
    this.user = user && typeof user.userId === 'string' && typeof user.token === 'string' ? user : undefined;
    this.queue.attach(this.store);
    this.delivery.enabled = true;
    void this.delivery.flush();
    if (this.options.pageViews !== false) this.page();
  }

  /**
   * Tracks an event; returns its id, or undefined without consent (then nothing is kept). The id
   * is made here and kept across retries, so the server can tell a re-sent event from a new one.
   */
  track<T extends EventType>(type: T, fields: TrackFields<T>): string | undefined {
    if (!this.granted) return undefined;
    const id = newId();
    const f = fields as EventFields;
    const event: QueuedEvent = {
      ...f,
      id,
      type,
      anonymousId: this.anonymous,
      timestamp: f.timestamp ?? new Date().toISOString(),
      context: { ...this.pageContext(), ...this.options.context, ...f.context },
    };
    if (this.user) {
      event.userId = this.user.userId;
      event.userToken = this.user.token;
    }
    this.delivery.enqueue(event);
    return id;
  }

  /** A page_view of the current page (called on consent; call it on single-page-app navigation). */
  page(fields: TrackFields<'page_view'> = {}): string | undefined {
    return this.track('page_view', fields);
  }

  /**
   * Signs the shopper in: later events carry `userId` with the backend's signed `token` (and the
   * anonymous id, so the shopper's anonymous history joins the user from here on). An event whose
   * token does not verify is stored as anonymous (docs/web-client.md, "Identity").
   */
  identify(userId: string, token: string): void {
    this.user = { userId, token };
    if (this.granted) writeJson(this.store, KEYS.user, this.user);
  }

  /** Signs out: later events are anonymous again, under a new anonymous id. */
  reset(): void {
    this.user = undefined;
    if (!this.granted) return;
    this.anonymous = ANONYMOUS_PREFIX + newId();
    writeJson(this.store, KEYS.anonymousId, this.anonymous);
    try {
      this.store?.removeItem(KEYS.user);
    } catch {
      // nothing stored
    }
  }

  /** Sends what is queued now. */
  flush(): Promise<void> {
    return this.delivery.flush();
  }

  getRecommendations(params: RecommendationQuery = {}): Promise<Recommendations> {
    return this.read<Recommendations>('/api/recommendations', { ...this.who(), ...params });
  }

  getSimilar(productId: string, n?: number): Promise<Recommendations> {
    return this.read<Recommendations>(`/api/products/${encodeURIComponent(productId)}/similar`, { n });
  }

  getBoughtTogether(productId: string, n?: number): Promise<Recommendations> {
    return this.read<Recommendations>(`/api/products/${encodeURIComponent(productId)}/bought-together`, { n });
  }

  /** The live offers ranked for this shopper; reward the shown one with offerClicked(offer.id, result.eventId). */
  getOffers(params: { n?: number; device?: string; channel?: string; locale?: string } = {}): Promise<RankedOffers> {
    return this.read<RankedOffers>('/api/offers', { ...this.who(), ...params });
  }

  /** The shopper opened a recommended product: a product_view that rewards the recommendation `eventId`. */
  productClicked(productId: string, eventId?: string | null, fields: TrackFields<'product_view'> = { productId }): string | undefined {
    return this.track('product_view', { ...fields, productId, ...(eventId ? { decisionId: eventId } : {}) });
  }

  /** A ranked offer was shown (offer_view, tied to its decision). */
  offerShown(offerId: string, eventId?: string | null): string | undefined {
    return this.track('offer_view', { offerId, ...(eventId ? { decisionId: eventId } : {}) });
  }

  /** A ranked offer was clicked: an offer_click that rewards the ranking `eventId`. */
  offerClicked(offerId: string, eventId?: string | null): string | undefined {
    return this.track('offer_click', { offerId, ...(eventId ? { decisionId: eventId } : {}) });
  }

  private who(): Record<string, string | undefined> {
    // The read routes take one id: the signed-in user's, else the anonymous one (none before consent).
    return this.user ? { userId: this.user.userId } : { anonymousId: this.anonymous };
  }

  private pageContext(): EventFields['context'] {
    if (typeof location === 'undefined') return {};
    const referrer = typeof document !== 'undefined' ? document.referrer.slice(0, 2048) : '';
    return { page: (location.pathname + location.search).slice(0, 2048), ...(referrer ? { referrer } : {}) };
  }

  private async read<T>(path: string, params: Record<string, unknown>): Promise<T> {
    const q = query(params);
    const answer = await this.transport.get(`${this.base}${path}${q ? `?${q}` : ''}`);
    if (answer.status !== 200) throw new RequestError(answer.status, (answer.body as { error?: string } | undefined)?.error ?? `HTTP ${answer.status}`);
    return answer.body as T;
  }
}

/** Creates the page's tracker. */
export function createPersonalization(options?: PersonalizationOptions): Personalization {
  return new Personalization(options);
}
