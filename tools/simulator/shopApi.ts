// The simulator's HTTP client for the system's public endpoints: tracked events, Personalizer
// Rank / Reward, and the catalog admin API. Transient failures (network, 429, 503) are retried.
import { SERVER_TO_SERVER_EVENT_TYPES } from '../../src/events/eventSchema';

const SERVER_TYPES: ReadonlySet<string> = new Set(SERVER_TO_SERVER_EVENT_TYPES);

export interface ShopApiOptions {
  /** Base URL of the Functions host, e.g. http://127.0.0.1:7071 (no trailing /api). */
  url: string;
  /** A key of PersonalizerApiKeys. */
  apiKey: string;
  /** A key of CatalogApiKeys, for the product catalog API (only needed to seed products). */
  catalogKey?: string;
  /**
   * A function key, for POST /api/events/server: purchases are the shop backend's to send (the
   * browser route refuses them), and the simulated shop plays its backend too.
   */
  functionKey?: string;
  attempts?: number;
}

export interface RankAnswer {
  ranking: { id: string; probability: number }[];
  eventId: string;
  rewardActionId: string;
  /** x-model-version: absent while the priors rank. */
  modelVersion: string | null;
}

export interface RecommendationAnswer {
  items: { id: string; score: number; probability?: number }[];
  /** 'model' (from the shopper's history) or 'cold-start' (popularity lists). */
  source: string;
  ranker: string;
  /** The last-step decision to reward on a click (absent when the model's order was served). */
  eventId?: string;
  modelVersion: string | null;
}

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RETRIABLE = new Set([429, 502, 503, 504]);

export class ShopApi {
  private readonly base: string;
  private readonly attempts: number;

  constructor(private readonly opts: ShopApiOptions) {
    this.base = opts.url.replace(/\/+$/, '');
    this.attempts = opts.attempts ?? 5;
  }

  private async call(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        const res = await fetch(`${this.base}${path}`, {
          method,
          headers: { ...(text !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
          body: text,
        });
        if (!RETRIABLE.has(res.status) || attempt === this.attempts) return res;
        await res.arrayBuffer();
        lastError = new HttpError(res.status, `${method} ${path}: ${res.status}`);
      } catch (error) {
        lastError = error;
        if (attempt === this.attempts) break;
      }
      await sleep(100 * 2 ** attempt);
    }
    throw lastError;
  }

  private async json<T>(res: Response, what: string, expected: number[]): Promise<T> {
    const text = await res.text();
    if (!expected.includes(res.status)) throw new HttpError(res.status, `${what}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * At most 500 events: the browser's types to POST /api/events, purchases (and other
   * server-to-server types) to POST /api/events/server with the function key. The number accepted.
   */
  async postEvents(events: readonly unknown[]): Promise<number> {
    const fromServer = (e: unknown) => SERVER_TYPES.has(String((e as { type?: unknown }).type));
    const browser = events.filter((e) => !fromServer(e));
    const server = events.filter(fromServer);
    let accepted = 0;
    if (browser.length > 0) {
      const res = await this.call('POST', '/api/events', browser, {});
      accepted += (await this.json<{ accepted: number }>(res, 'POST /api/events', [202])).accepted;
    }
    if (server.length > 0) {
      if (!this.opts.functionKey) throw new Error('purchases go to POST /api/events/server, which needs a function key (--function-key)');
      const res = await this.call('POST', '/api/events/server', server, { 'x-functions-key': this.opts.functionKey });
      accepted += (await this.json<{ accepted: number }>(res, 'POST /api/events/server', [202])).accepted;
    }
    return accepted;
  }

  async rank(body: { contextFeatures: unknown[]; actions: unknown[]; deferActivation?: boolean; eventId?: string }): Promise<RankAnswer> {
    const res = await this.call('POST', '/personalizer/v1.0/rank', body, { 'ocp-apim-subscription-key': this.opts.apiKey });
    const modelVersion = res.headers.get('x-model-version');
    const answer = await this.json<Omit<RankAnswer, 'modelVersion'>>(res, 'rank', [201]);
    return { ...answer, modelVersion };
  }

  async reward(eventId: string, value: number): Promise<void> {
    const res = await this.call('POST', `/personalizer/v1.0/events/${encodeURIComponent(eventId)}/reward`, { value }, { 'ocp-apim-subscription-key': this.opts.apiKey });
    await this.json(res, 'reward', [204]);
  }

  /** GET /api/recommendations (anonymous route; the shop's backend calls it for a shopper). */
  async recommend(query: { userId?: string; n: number; device?: string; channel?: string; page?: string }): Promise<RecommendationAnswer> {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]));
    const res = await this.call('GET', `/api/recommendations?${params}`, undefined, {});
    return this.json<RecommendationAnswer>(res, 'GET /api/recommendations', [200]);
  }

  async putProduct(product: { id: string } & Record<string, unknown>): Promise<void> {
    if (!this.opts.catalogKey) throw new Error('putProduct needs a catalog key (CatalogApiKeys, sent as x-catalog-key)');
    const res = await this.call('PUT', `/api/manage/products/${encodeURIComponent(product.id)}`, product, { 'x-catalog-key': this.opts.catalogKey });
    await this.json(res, `PUT product ${product.id}`, [200, 201]);
  }

  async putOffer(offer: { id: string } & Record<string, unknown>): Promise<void> {
    if (!this.opts.catalogKey) throw new Error('putOffer needs a catalog key (CatalogApiKeys, sent as x-catalog-key)');
    const res = await this.call('PUT', `/api/manage/offers/${encodeURIComponent(offer.id)}`, offer, { 'x-catalog-key': this.opts.catalogKey });
    await this.json(res, `PUT offer ${offer.id}`, [200, 201]);
  }
}
