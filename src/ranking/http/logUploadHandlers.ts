// POST /logs/interactions and /logs/observations (2022-09-01-preview): decisions and rewards made
// elsewhere (an application that ranked on its own, or logged while this service was unreachable)
// uploaded into the same decision log, so they join training like the decisions rank logs.
//
// Personalizer's SDKs upload Vowpal Wabbit's binary (flatbuffers) format here; we take JSON
// instead (docs/personalizer-migration.md), validated with the rank request's own rules:
//   interactions: [{ eventId, timestamp?, request: <RankRequest>, response: { ranking: [{id, probability}], rewardActionId } }]
//   observations: [{ eventId, value, timestamp? }  |  { eventId, activated: true, timestamp? }]
// Every item is checked before anything is published (a 400 names the field, `[3].response.rewardActionId`).
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { EventPublisher } from '../../clients/eventHubPublisher';
import { readJsonBody } from '../../common/readJsonBody';
import type { TrackedEvent } from '../../events/eventSchema';
import { activationEvent, decisionEvent, rewardEvent, type RewardPolicy } from '../../events/learningEvents';
import { flattenFeatures } from '../../features/flattenFeatures';
import { segmentOf } from '../../features/segment';
import { MAX_ID_LENGTH, isObject, parseRankRequest } from '../rankRequest';
import { badRequest, personalizerError } from '../personalizerErrors';
import { publishOne } from './eventCallDeps';

export interface LogUploadDeps {
  publisher: EventPublisher;
  /** The reward policy decisions are logged with now (the service configuration's). */
  rewardPolicy: () => RewardPolicy;
  now?: () => number;
  log?: (message: string) => void;
}

/** Items per upload, and the body's size limit. */
export const MAX_UPLOAD_ITEMS = 500;
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;
/** An uploaded timestamp may be this far in the future (clock skew), as for tracked events. */
const FUTURE_SKEW_MS = 5 * 60_000;
/** …and this far in the past: older decisions would fall outside any training window anyway. */
const MAX_AGE_MS = 90 * 86_400_000;

class UploadError extends Error {
  constructor(readonly field: string, message: string, readonly tooLarge = false) {
    super(message);
  }
}

const NO_STORE = { 'cache-control': 'no-store' };

async function readItems(request: HttpRequest): Promise<unknown[]> {
  const body = await readJsonBody(request, MAX_UPLOAD_BYTES);
  if (!body.ok) {
    const tooLarge = 'tooLarge' in body && body.tooLarge === true;
    // What Personalizer's SDKs send: say what to send instead.
    const binary = !tooLarge && /octet-stream/i.test(request.headers.get('content-type') ?? '');
    throw new UploadError('body', binary ? "is not JSON: Vowpal Wabbit's binary log format is not taken here; upload the JSON format (docs/personalizer-migration.md)" : body.message, tooLarge);
  }
  const value = body.value;
  if (!Array.isArray(value)) throw new UploadError('body', 'must be a JSON array of items (docs/personalizer-migration.md: the JSON upload format)');
  if (value.length === 0 || value.length > MAX_UPLOAD_ITEMS) throw new UploadError('body', `must hold 1 to ${MAX_UPLOAD_ITEMS} items, got ${value.length}`);
  return value;
}

function only(item: Record<string, unknown>, field: string, allowed: readonly string[]): void {
  for (const key of Object.keys(item)) if (!allowed.includes(key)) throw new UploadError(`${field}.${key}`, `is not a field of this item (allowed: ${allowed.join(', ')})`);
}

function eventIdOf(item: Record<string, unknown>, field: string): string {
  const id = item.eventId;
  if (typeof id !== 'string' || id === '') throw new UploadError(`${field}.eventId`, 'is required: a non-empty string');
  if (id.length > MAX_ID_LENGTH) throw new UploadError(`${field}.eventId`, `must be at most ${MAX_ID_LENGTH} characters`);
  return id;
}

function timestampOf(item: Record<string, unknown>, field: string, nowMs: number): number {
  if (item.timestamp === undefined || item.timestamp === null) return nowMs;
  const ms = typeof item.timestamp === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(item.timestamp) ? Date.parse(item.timestamp) : Number.NaN;
  if (Number.isNaN(ms)) throw new UploadError(`${field}.timestamp`, 'must be an ISO 8601 date-time with offset');
  if (ms > nowMs + FUTURE_SKEW_MS) throw new UploadError(`${field}.timestamp`, 'is more than 5 minutes in the future');
  if (ms < nowMs - MAX_AGE_MS) throw new UploadError(`${field}.timestamp`, 'is more than 90 days in the past');
  return ms;
}

function interactionEvent(raw: unknown, field: string, deps: LogUploadDeps, nowMs: number): TrackedEvent {
  if (!isObject(raw)) throw new UploadError(field, 'must be an object with eventId, request and response');
  only(raw, field, ['eventId', 'timestamp', 'request', 'response']);
  const eventId = eventIdOf(raw, field);
  const issuedAtMs = timestampOf(raw, field, nowMs);
  const parsed = parseRankRequest(raw.request);
  if (!parsed.ok) throw new UploadError(`${field}.request${parsed.field === 'body' ? '' : `.${parsed.field}`}`, parsed.message);
  const request = parsed.request;
  if (request.eventId !== undefined && request.eventId !== eventId) throw new UploadError(`${field}.request.eventId`, `differs from ${field}.eventId`);
  const response = raw.response;
  if (!isObject(response)) throw new UploadError(`${field}.response`, 'is required: the rank response ({ranking, rewardActionId})');
  only(response, `${field}.response`, ['ranking', 'rewardActionId', 'eventId']);
  if (response.eventId !== undefined && response.eventId !== eventId) throw new UploadError(`${field}.response.eventId`, `differs from ${field}.eventId`);
  const ids = new Set(request.actions.map((a) => a.id));
  if (!Array.isArray(response.ranking) || response.ranking.length === 0) throw new UploadError(`${field}.response.ranking`, 'is required: the ranked actions with their probabilities');
  const probability = new Map<string, number>();
  response.ranking.forEach((r: unknown, i: number) => {
    const f = `${field}.response.ranking[${i}]`;
    if (!isObject(r)) throw new UploadError(f, 'must be {id, probability}');
    if (typeof r.id !== 'string' || !ids.has(r.id)) throw new UploadError(`${f}.id`, 'must be the id of one of the request\'s actions');
    if (probability.has(r.id)) throw new UploadError(`${f}.id`, `"${r.id}" is ranked twice`);
    if (typeof r.probability !== 'number' || !(r.probability >= 0 && r.probability <= 1)) throw new UploadError(`${f}.probability`, 'must be a number from 0 to 1');
    probability.set(r.id, r.probability);
  });
  const total = [...probability.values()].reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-3) throw new UploadError(`${field}.response.ranking`, `probabilities must add up to 1, they add up to ${total}`);
  const chosen = response.rewardActionId;
  if (typeof chosen !== 'string' || !ids.has(chosen)) throw new UploadError(`${field}.response.rewardActionId`, 'must be the id of one of the request\'s actions');
  if (request.excludedActions.has(chosen)) throw new UploadError(`${field}.response.rewardActionId`, 'is one of the excluded actions');
  // The propensity is what makes the decision usable off-policy: a chosen action needs one.
  if (!((probability.get(chosen) ?? 0) > 0)) throw new UploadError(`${field}.response.ranking`, `must give the chosen action "${chosen}" a probability above 0`);
  const ranking = (response.ranking as { id: string }[]).map((r) => r.id);
  const greedy = [...probability.entries()].reduce((best, e) => (e[1] > best[1] ? e : best))[0];
  const context = flattenFeatures(request.contextFeatures);
  return decisionEvent(
    {
      eventId,
      source: 'rank',
      issuedAtMs,
      ...(request.userId !== undefined ? { userId: request.userId } : {}),
      segment: segmentOf(context, undefined, issuedAtMs),
      contextFeatures: request.contextFeatures,
      // No prior or model score was logged elsewhere: the prior feature reads 0, the score null.
      actions: request.actions.map((a) => ({ id: a.id, features: a.features, prior: 0, score: Number.NaN, probability: probability.get(a.id) ?? 0, excluded: request.excludedActions.has(a.id) })),
      ranking,
      rewardActionId: chosen,
      greedyActionId: greedy,
      explored: chosen !== greedy,
      epsilon: 0,
      model: null,
      profile: null,
      activated: !request.deferActivation,
      reward: deps.rewardPolicy(),
    },
    new Date(nowMs),
  );
}

function observationEvent(raw: unknown, field: string, deps: LogUploadDeps, nowMs: number): TrackedEvent {
  if (!isObject(raw)) throw new UploadError(field, 'must be an object with eventId and value (or activated: true)');
  only(raw, field, ['eventId', 'timestamp', 'value', 'activated']);
  const eventId = eventIdOf(raw, field);
  const atMs = timestampOf(raw, field, nowMs);
  if (raw.activated !== undefined) {
    if (raw.activated !== true) throw new UploadError(`${field}.activated`, 'must be true (an activation) or left out (a reward)');
    if (raw.value !== undefined) throw new UploadError(`${field}.value`, 'an observation is a reward (value) or an activation (activated: true), not both');
    return activationEvent({ eventId }, new Date(atMs));
  }
  const { min, max } = deps.rewardPolicy();
  if (typeof raw.value !== 'number' || !Number.isFinite(raw.value)) throw new UploadError(`${field}.value`, 'is required: a finite number');
  if (raw.value < min || raw.value > max) throw new UploadError(`${field}.value`, `must be between ${min} and ${max}, got ${raw.value}`);
  // A client's own event id: the reward names only the id, and joins the decision logged with it.
  return rewardEvent({ eventId, value: raw.value }, new Date(atMs));
}

async function upload(request: HttpRequest, deps: LogUploadDeps, what: 'interactions' | 'observations'): Promise<HttpResponseInit> {
  const nowMs = (deps.now ?? Date.now)();
  let events: TrackedEvent[];
  try {
    const items = await readItems(request);
    events = items.map((item, i) => (what === 'interactions' ? interactionEvent : observationEvent)(item, `[${i}]`, deps, nowMs));
  } catch (error) {
    if (!(error instanceof UploadError)) throw error;
    if (error.tooLarge) {
      return personalizerError(413, 'BadRequest', `body: ${error.message}`, 'PayloadSizeExceeded', 'body');
    }
    return badRequest(error.field, error.message, 'InvalidRequest');
  }
  const failed = await publishOne(events, deps, what);
  if (failed) return failed;
  deps.log?.(`logs: ${events.length} ${what} uploaded`);
  return { status: 204, headers: NO_STORE };
}

export const handleLogInteractions = (request: HttpRequest, deps: LogUploadDeps) => upload(request, deps, 'interactions');
export const handleLogObservations = (request: HttpRequest, deps: LogUploadDeps) => upload(request, deps, 'observations');
