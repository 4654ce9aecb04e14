// The per-user profile the ranker reads as features, and how events and stored profiles combine.
// The same accumulator holds a batch's contribution and a stored profile, so combining them is
// one `mergeProfiles`.
import { CLIENT_EVENT_TYPES, SERVER_EVENT_TYPES, type EventType, type TrackedEvent } from '../events/eventSchema';
import { addMoney, roundMoney } from './money';
import { isoString, parseIsoTime } from '../common/isoTime';

export const RECENT_PRODUCTS_MAX = 20;
export const CATEGORIES_MAX = 50;
export const AFFINITY_HALF_LIFE_DAYS = 7;
const HALF_LIFE_MS = AFFINITY_HALF_LIFE_DAYS * 86_400_000;
const ALL_TYPES: readonly EventType[] = [...CLIENT_EVENT_TYPES, ...SERVER_EVENT_TYPES];
const RECENT_TYPES = new Set<EventType>(['product_view', 'add_to_cart', 'purchase']);
const TRACKED_TYPES: ReadonlySet<string> = new Set(CLIENT_EVENT_TYPES);
/**
 * Tracked event ids a profile remembers (the user's last ones, with where in the hub each was
 * counted), so that a copy a client sent again is dropped (repeatedEventIds.ts).
 */
export const RECENT_EVENT_IDS_MAX = 100;

/**
 * What a profile keeps of an event id (ids are up to 128 characters): a 64-bit hash as 16 hex
 * digits, two 32-bit multiply-xorshift hashes over the UTF-16 code units with unrelated seeds.
 * Not cryptographic, on purpose: it runs for every tracked event of the hot path (a SHA-256 per
 * event cost a quarter of the aggregation's CPU), and a profile holds only its own user's ids, so
 * an id crafted to collide can only drop that same client's own event. Two honest ids collide
 * within a user's last RECENT_EVENT_IDS_MAX with probability about 100² / 2⁶⁵.
 */
export function eventIdKey(id: string): string {
  let h1 = 0x2545f491 ^ id.length;
  let h2 = 0x9e3779b9 ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const unit = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ unit, 0x85ebca6b);
    h1 ^= h1 >>> 13;
    h2 = Math.imul(h2 ^ unit, 0xc2b2ae35);
    h2 ^= h2 >>> 16;
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x7feb352d);
  h1 ^= h1 >>> 15;
  h2 = Math.imul(h2 ^ (h2 >>> 15), 0x846ca68b);
  h2 ^= h2 >>> 16;
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** An event's id as the profile remembers it, and where in the hub it was counted (`partition/sequence/position`). */
export interface RememberedId {
  idKey: string;
  place: string;
}

/** Whether the profile remembers this event's id (tracked client events only). */
export function remembersId(event: TrackedEvent): boolean {
  return TRACKED_TYPES.has(event.type);
}

export interface LastPurchase {
  at: string;
  productId: string;
  value: number;
  currency?: string;
  eventId: string;
}

export interface RecentProduct {
  productId: string;
  at: string;
  type: EventType;
}

/** Profile fields as stored (besides id, userId, applied and bookkeeping). */
export interface ProfileFields {
  events: number;
  counts: Record<EventType, number>;
  purchases: number;
  totalRevenue: number;
  firstSeen: string | null;
  lastSeen: string | null;
  lastPurchase: LastPurchase | null;
  recentProducts: RecentProduct[];
  categoryCounts: Record<string, number>;
  /** Exponentially decayed category interest (half-life AFFINITY_HALF_LIFE_DAYS) as of lastSeen. */
  categoryAffinity: Record<string, number>;
  /** `eventIdKey place` (where it was counted: `partition/sequence/position`) of the last tracked events, oldest first. */
  recentEventIds: string[];
}

export interface ProfileAccumulator {
  events: number;
  counts: Map<EventType, number>;
  totalRevenue: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** firstSeenMs and lastSeenMs as ISO text ('' while unset). */
  firstSeen: string;
  lastSeen: string;
  lastPurchase: (LastPurchase & { atMs: number }) | undefined;
  recent: Map<string, { atMs: number; at: string; type: EventType }>;
  categoryCounts: Map<string, number>;
  /** As of lastSeenMs. */
  categoryScores: Map<string, number>;
  /**
   * The remembered ids of the stored profile this accumulator was read from, as stored (the
   * document's own array, not copied: a batch touches hundreds of profiles and adds few ids to each).
   */
  storedIds: readonly string[];
  /** Ids counted since (eventIdKey → place), in the order counted; none of them is in storedIds. */
  newIds: Map<string, string>;
}

export function emptyProfile(): ProfileAccumulator {
  return {
    events: 0,
    counts: new Map(),
    totalRevenue: 0,
    firstSeenMs: Infinity,
    lastSeenMs: -Infinity,
    firstSeen: '',
    lastSeen: '',
    lastPurchase: undefined,
    recent: new Map(),
    categoryCounts: new Map(),
    categoryScores: new Map(),
    storedIds: [],
    newIds: new Map(),
  };
}

const decay = (ageMs: number) => Math.pow(2, -ageMs / HALF_LIFE_MS);

/** Moves lastSeen, the scores' reference time, forward to `timeMs` (no-op if not later). */
function advanceTo(p: ProfileAccumulator, timeMs: number, text: string): void {
  if (timeMs <= p.lastSeenMs) return;
  p.lastSeen = text;
  if (p.lastSeenMs !== -Infinity && p.categoryScores.size > 0) {
    const factor = decay(timeMs - p.lastSeenMs);
    for (const [category, score] of p.categoryScores) p.categoryScores.set(category, score * factor);
  }
  p.lastSeenMs = timeMs;
}

function laterPurchase(a: ProfileAccumulator['lastPurchase'], b: ProfileAccumulator['lastPurchase']) {
  if (!a) return b;
  if (!b) return a;
  if (a.atMs !== b.atMs) return a.atMs > b.atMs ? a : b;
  return a.eventId >= b.eventId ? a : b;
}

function noteRecent(p: ProfileAccumulator, productId: string, atMs: number, at: string, type: EventType): void {
  const seen = p.recent.get(productId);
  if (!seen || atMs > seen.atMs || (atMs === seen.atMs && type > seen.type)) p.recent.set(productId, { atMs, at, type });
}

/** Whether the profile has counted this id already (at any place). */
function hasCounted(p: ProfileAccumulator, idKey: string): boolean {
  if (p.newIds.has(idKey)) return true;
  return placeCounted(p.storedIds, idKey) !== undefined;
}

/** A remembered id as stored: its eventIdKey, a space, and where it was counted (one string, not a pair: ~3× less memory). */
const idEntry = (idKey: string, place: string) => `${idKey} ${place}`;

/** Where `stored` (a profile's remembered ids) says the id was counted, or undefined. A scan: at most RECENT_EVENT_IDS_MAX entries. */
export function placeCounted(stored: readonly string[], idKey: string): string | undefined {
  const prefix = `${idKey} `;
  for (const entry of stored) if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  return undefined;
}

/** Adds an event; `remember` (its id's key, where in the hub it is) makes the profile remember its id. */
export function addEventToProfile(p: ProfileAccumulator, event: TrackedEvent, timeMs: number, remember?: Partial<RememberedId>): void {
  if (remember?.idKey !== undefined && remember.place !== undefined && !hasCounted(p, remember.idKey)) {
    p.newIds.set(remember.idKey, remember.place);
  }
  p.events++;
  p.counts.set(event.type, (p.counts.get(event.type) ?? 0) + 1);
  const at = isoString(event.timestamp, timeMs);
  if (timeMs < p.firstSeenMs) {
    p.firstSeenMs = timeMs;
    p.firstSeen = at;
  }
  advanceTo(p, timeMs, at);
  if (event.category !== undefined && event.category !== '') {
    const c = event.category;
    p.categoryCounts.set(c, (p.categoryCounts.get(c) ?? 0) + 1);
    p.categoryScores.set(c, (p.categoryScores.get(c) ?? 0) + decay(p.lastSeenMs - timeMs));
  }
  if (event.productId !== undefined && RECENT_TYPES.has(event.type)) {
    noteRecent(p, event.productId, timeMs, at, event.type);
  }
  if (event.type === 'purchase' && event.productId !== undefined) {
    const value = roundMoney(event.value ?? 0);
    p.totalRevenue = addMoney(p.totalRevenue, value);
    p.lastPurchase = laterPurchase(p.lastPurchase, {
      at,
      atMs: timeMs,
      productId: event.productId,
      value,
      ...(event.currency !== undefined ? { currency: event.currency } : {}),
      eventId: event.id,
    });
  }
}

/** Adds `from` into `into`. */
export function mergeProfiles(into: ProfileAccumulator, from: ProfileAccumulator): void {
  if (from.events === 0) return;
  into.events += from.events;
  for (const [type, n] of from.counts) into.counts.set(type, (into.counts.get(type) ?? 0) + n);
  into.totalRevenue = addMoney(into.totalRevenue, from.totalRevenue);
  if (from.firstSeenMs < into.firstSeenMs) {
    into.firstSeenMs = from.firstSeenMs;
    into.firstSeen = from.firstSeen;
  }
  advanceTo(into, from.lastSeenMs, from.lastSeen);
  const fromFactor = decay(into.lastSeenMs - from.lastSeenMs);
  for (const [c, n] of from.categoryCounts) into.categoryCounts.set(c, (into.categoryCounts.get(c) ?? 0) + n);
  for (const [c, s] of from.categoryScores) into.categoryScores.set(c, (into.categoryScores.get(c) ?? 0) + s * fromFactor);
  for (const [productId, r] of from.recent) noteRecent(into, productId, r.atMs, r.at, r.type);
  into.lastPurchase = laterPurchase(into.lastPurchase, from.lastPurchase);
  for (const entry of from.storedIds) {
    const cut = entry.indexOf(' ');
    if (!hasCounted(into, entry.slice(0, cut))) into.newIds.set(entry.slice(0, cut), entry.slice(cut + 1));
  }
  for (const [key, place] of from.newIds) if (!hasCounted(into, key)) into.newIds.set(key, place);
}

/** The last RECENT_EVENT_IDS_MAX remembered ids, oldest first. */
function recentEventIds(p: ProfileAccumulator): string[] {
  const keep = RECENT_EVENT_IDS_MAX - Math.min(p.newIds.size, RECENT_EVENT_IDS_MAX);
  const stored = keep === 0 ? [] : p.storedIds.slice(-keep);
  if (p.newIds.size === 0) return stored;
  const added = Array.from(p.newIds, ([key, place]) => idEntry(key, place));
  return stored.concat(added.length > RECENT_EVENT_IDS_MAX ? added.slice(-RECENT_EVENT_IDS_MAX) : added);
}

/** The stored form, with the bounded lists cut to size. */
export function profileToFields(p: ProfileAccumulator): ProfileFields {
  const counts = {} as Record<EventType, number>;
  for (const type of ALL_TYPES) counts[type] = p.counts.get(type) ?? 0;
  const recentProducts = [...p.recent]
    .sort((a, b) => b[1].atMs - a[1].atMs || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, RECENT_PRODUCTS_MAX)
    .map(([productId, r]) => ({ productId, at: r.at, type: r.type }));
  const topCategories = [...p.categoryScores]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, CATEGORIES_MAX)
    .map(([c]) => c);
  const lastPurchase = p.lastPurchase ? (({ atMs: _atMs, ...rest }) => rest)(p.lastPurchase) : null;
  return {
    events: p.events,
    counts,
    purchases: counts.purchase,
    totalRevenue: p.totalRevenue,
    firstSeen: p.firstSeen === '' ? null : p.firstSeen,
    lastSeen: p.lastSeen === '' ? null : p.lastSeen,
    lastPurchase,
    recentProducts,
    categoryCounts: Object.fromEntries(topCategories.map((c) => [c, p.categoryCounts.get(c) ?? 0])),
    categoryAffinity: Object.fromEntries(topCategories.map((c) => [c, p.categoryScores.get(c) ?? 0])),
    recentEventIds: recentEventIds(p),
  };
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const ms = (v: unknown, fallback: number) => {
  const parsed = typeof v === 'string' ? parseIsoTime(v) : NaN;
  return Number.isFinite(parsed) ? parsed : fallback;
};

/** Reads a stored profile back into an accumulator (tolerant of missing fields). */
export function profileFromDocument(doc: Partial<Record<keyof ProfileFields, unknown>>): ProfileAccumulator {
  const p = emptyProfile();
  p.events = num(doc.events);
  const counts = (doc.counts ?? {}) as Record<string, unknown>;
  for (const type of ALL_TYPES) if (num(counts[type]) > 0) p.counts.set(type, num(counts[type]));
  p.totalRevenue = num(doc.totalRevenue);
  p.firstSeenMs = ms(doc.firstSeen, Infinity);
  p.lastSeenMs = ms(doc.lastSeen, -Infinity);
  if (Number.isFinite(p.firstSeenMs)) p.firstSeen = isoString(doc.firstSeen, p.firstSeenMs);
  if (Number.isFinite(p.lastSeenMs)) p.lastSeen = isoString(doc.lastSeen, p.lastSeenMs);
  const lp = doc.lastPurchase as LastPurchase | null | undefined;
  if (lp && typeof lp.at === 'string') p.lastPurchase = { ...lp, atMs: ms(lp.at, 0) };
  for (const r of (Array.isArray(doc.recentProducts) ? doc.recentProducts : []) as RecentProduct[]) {
    if (typeof r?.productId === 'string') {
      const atMs = ms(r.at, 0);
      p.recent.set(r.productId, { atMs, at: isoString(r.at, atMs), type: r.type });
    }
  }
  for (const [c, n] of Object.entries((doc.categoryCounts ?? {}) as Record<string, unknown>)) p.categoryCounts.set(c, num(n));
  for (const [c, s] of Object.entries((doc.categoryAffinity ?? {}) as Record<string, unknown>)) p.categoryScores.set(c, num(s));
  p.storedIds = storedIdsOf(doc);
  return p;
}

const isIdEntry = (entry: unknown): entry is string => typeof entry === 'string' && entry.indexOf(' ') > 0;
/** The first form of an entry (until 2026-12-06): the pair [idKey, place]. */
const isIdPair = (pair: unknown): pair is [string, string] => Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string';

/** A stored profile's remembered event ids ("idKey place", oldest first), tolerant of a missing or damaged field and of the pair form. */
export function storedIdsOf(doc: { recentEventIds?: unknown } | undefined): readonly string[] {
  const ids = doc?.recentEventIds;
  if (!Array.isArray(ids)) return [];
  // The field as stored (no copy), unless it is in the pair form or a hand-edited document broke it.
  if (ids.every(isIdEntry)) return ids;
  return ids.flatMap((entry: unknown) => (isIdEntry(entry) ? [entry] : isIdPair(entry) ? [idEntry(entry[0], entry[1])] : []));
}
