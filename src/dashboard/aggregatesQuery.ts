// Validates GET /api/aggregates parameters into a query, naming the parameter on every refusal.
import { API_KINDS, viewFor, type AggregateView } from './aggregateViews';
import { decodeContinuationToken } from './continuationToken';
import { parseInstant } from '../common/isoTime';
import { ParameterError } from './parameterError';

export const AGGREGATES_LIMITS = {
  defaultPageSize: 100,
  maxPageSize: 500,
  maxTop: 2000,
  /** A range may hold at most this many windows of the requested size … */
  maxWindows: 1000,
  /** … and span at most this many days. */
  maxRangeDays: 400,
  maxKeyLength: 256,
} as const;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export type AggregatesMode =
  | { type: 'page'; pageSize: number; cosmosToken?: string }
  | { type: 'totals'; top: number; sort: string };

export interface AggregatesQuery {
  view: AggregateView;
  windowMinutes: number;
  fromMs: number;
  toMs: number;
  key?: string;
  mode: AggregatesMode;
}

export interface QueryParams {
  get(name: string): string | null;
  keys(): Iterable<string>;
}

const KNOWN = new Set(['kind', 'window', 'from', 'to', 'key', 'top', 'sort', 'pageSize', 'continuationToken', 'code']);

export function maxRangeMs(windowMinutes: number): number {
  return Math.min(AGGREGATES_LIMITS.maxWindows * windowMinutes * MINUTE_MS, AGGREGATES_LIMITS.maxRangeDays * DAY_MS);
}

/** Last day for daily (or longer) windows, else the last 24 hours, within the range limit. */
export function defaultRangeMs(windowMinutes: number): number {
  const wanted = windowMinutes >= 1440 ? 30 * DAY_MS : DAY_MS;
  return Math.min(wanted, maxRangeMs(windowMinutes));
}

function optional(params: QueryParams, name: string): string | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (value.trim() === '') throw new ParameterError(name, 'must not be empty');
  return value;
}

function integer(params: QueryParams, name: string, min: number, max: number): number | undefined {
  const raw = optional(params, name);
  if (raw === undefined) return undefined;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw new ParameterError(name, `must be a whole number from ${min} to ${max}, got "${raw.slice(0, 40)}"`);
  return value;
}

function instant(params: QueryParams, name: string): number | undefined {
  const raw = optional(params, name);
  if (raw === undefined) return undefined;
  const ms = parseInstant(raw);
  if (ms === undefined) {
    throw new ParameterError(name, `must be an ISO 8601 date (2024-05-01) or date-time with offset (2024-05-01T10:00:00Z), got "${raw.slice(0, 40)}"`);
  }
  return ms;
}

function kindOf(params: QueryParams): AggregateView {
  const raw = params.get('kind');
  if (raw === null || raw === '') throw new ParameterError('kind', `is required: one of ${API_KINDS.join(', ')}`);
  const view = viewFor(raw);
  if (!view) throw new ParameterError('kind', `must be one of ${API_KINDS.join(', ')}, got "${raw.slice(0, 40)}"`);
  return view;
}

function windowOf(params: QueryParams, windowsMinutes: readonly number[]): number {
  const raw = optional(params, 'window');
  if (raw === undefined) return windowsMinutes.includes(60) ? 60 : windowsMinutes[0];
  const value = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!windowsMinutes.includes(value)) {
    throw new ParameterError('window', `must be one of the aggregated window sizes in minutes (${windowsMinutes.join(', ')}), got "${raw.slice(0, 40)}"`);
  }
  return value;
}

function days(ms: number): string {
  return String(Math.round((ms / DAY_MS) * 10) / 10);
}

export function parseAggregatesQuery(params: QueryParams, windowsMinutes: readonly number[], now: Date): AggregatesQuery {
  for (const name of params.keys()) {
    if (!KNOWN.has(name)) throw new ParameterError(name.slice(0, 40), `is not a parameter of this API (known: ${[...KNOWN].filter((k) => k !== 'code').join(', ')})`);
  }
  const view = kindOf(params);
  const windowMinutes = windowOf(params, windowsMinutes);
  const key = optional(params, 'key');
  if (key !== undefined && key.length > AGGREGATES_LIMITS.maxKeyLength) {
    throw new ParameterError('key', `must be at most ${AGGREGATES_LIMITS.maxKeyLength} characters`);
  }
  let fromMs = instant(params, 'from');
  let toMs = instant(params, 'to');
  const top = integer(params, 'top', 1, AGGREGATES_LIMITS.maxTop);
  const sortRaw = optional(params, 'sort');
  const pageSize = integer(params, 'pageSize', 1, AGGREGATES_LIMITS.maxPageSize);
  const tokenRaw = optional(params, 'continuationToken');

  let cosmosToken: string | undefined;
  if (tokenRaw !== undefined) {
    if (top !== undefined) throw new ParameterError('continuationToken', 'does not apply with top (totals come in one response)');
    const token = decodeContinuationToken(tokenRaw);
    const sameQuery =
      token.kind === view.apiKind && token.windowMinutes === windowMinutes && token.key === key
      && (fromMs === undefined || fromMs === token.fromMs) && (toMs === undefined || toMs === token.toMs);
    if (!sameQuery) {
      throw new ParameterError('continuationToken', 'belongs to a different query (kind, window, key, from or to differ); start again without it');
    }
    fromMs = token.fromMs;
    toMs = token.toMs;
    cosmosToken = token.cosmosToken;
  }

  toMs ??= fromMs === undefined ? now.getTime() : Math.min(fromMs + defaultRangeMs(windowMinutes), now.getTime());
  fromMs ??= toMs - defaultRangeMs(windowMinutes);
  if (toMs <= fromMs) throw new ParameterError('to', 'must be later than from');
  const limit = maxRangeMs(windowMinutes);
  if (toMs - fromMs > limit) {
    throw new ParameterError(
      'from',
      `the range from..to spans ${days(toMs - fromMs)} days; at most ${days(limit)} days for window=${windowMinutes} (${AGGREGATES_LIMITS.maxWindows} windows, ${AGGREGATES_LIMITS.maxRangeDays} days)`,
    );
  }

  if (top === undefined) {
    if (sortRaw !== undefined) throw new ParameterError('sort', 'only applies with top');
    return { view, windowMinutes, fromMs, toMs, key, mode: { type: 'page', pageSize: pageSize ?? AGGREGATES_LIMITS.defaultPageSize, cosmosToken } };
  }
  if (pageSize !== undefined) throw new ParameterError('pageSize', 'does not apply with top');
  const sortable = [...view.counters, ...view.derived];
  const sort = sortRaw ?? view.defaultSort;
  if (!sortable.includes(sort)) throw new ParameterError('sort', `must be one of ${sortable.join(', ')} for kind=${view.apiKind}`);
  return { view, windowMinutes, fromMs, toMs, key, mode: { type: 'totals', top, sort } };
}
