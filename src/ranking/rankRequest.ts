// Validation of a Personalizer rank request body (v1.0 RankRequest), with Personalizer's rules and
// messages, each error naming the field.
import type { FeatureObject } from '../events/learningEvents';

export const MAX_ACTIONS = 50;
export const MAX_ID_LENGTH = 256;
/** Longest user id taken from the context (the event schema's id limit). */
export const MAX_USER_ID_LENGTH = 128;
const MAX_FEATURE_DEPTH = 8;
const MAX_FEATURE_VALUES = 2000;

/** A feature object is logged as received: its type is the decision event's. */
export type { FeatureObject };

export interface RankAction {
  id: string;
  features: FeatureObject[];
}

export interface RankRequest {
  contextFeatures: FeatureObject[];
  actions: RankAction[];
  excludedActions: Set<string>;
  eventId?: string;
  deferActivation: boolean;
  /** From a context feature object's `userId` (our extension; selects the profile). */
  userId?: string;
}

export type RankParse = { ok: true; request: RankRequest } | { ok: false; field: string; message: string };

export class FieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

export const isObject = (v: unknown): v is FeatureObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Personalizer's feature rules: key-value objects, no empty keys, arrays of numbers only. Returns the count of values. */
function checkFeatureValue(value: unknown, field: string, depth: number, budget: { left: number }): number {
  if (--budget.left < 0) throw new FieldError(field, `has more than ${MAX_FEATURE_VALUES} feature values`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value === null ? 0 : 1;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FieldError(field, 'must be a finite number');
    return 1;
  }
  if (depth >= MAX_FEATURE_DEPTH) throw new FieldError(field, `nests deeper than ${MAX_FEATURE_DEPTH} levels`);
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item !== 'number' || !Number.isFinite(item)) {
        throw new FieldError(`${field}[${i}]`, 'Features should not contain array with non-number items.');
      }
    });
    return value.length;
  }
  if (isObject(value)) {
    let n = 0;
    for (const [k, v] of Object.entries(value)) {
      if (k === '') throw new FieldError(field, 'Context features and action features cannot use the empty string as an id.');
      n += checkFeatureValue(v, `${field}.${k}`, depth + 1, budget);
    }
    return n;
  }
  throw new FieldError(field, 'Features are not in key value pair format.');
}

export function checkFeatureList(value: unknown, field: string, nullMessage: string): { list: FeatureObject[]; values: number } {
  if (!Array.isArray(value)) throw new FieldError(field, 'must be an array of feature objects');
  const budget = { left: MAX_FEATURE_VALUES };
  let values = 0;
  value.forEach((item, i) => {
    if (item === null || item === undefined) throw new FieldError(`${field}[${i}]`, nullMessage);
    if (!isObject(item)) throw new FieldError(`${field}[${i}]`, 'Features are not in key value pair format.');
    values += checkFeatureValue(item, `${field}[${i}]`, 0, budget);
  });
  return { list: value as FeatureObject[], values };
}

export function userIdFrom(context: FeatureObject[]): string | undefined {
  for (let i = 0; i < context.length; i++) {
    const v = context[i].userId;
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v === '' || v.length > MAX_USER_ID_LENGTH) {
      throw new FieldError(`contextFeatures[${i}].userId`, `must be a string of 1-${MAX_USER_ID_LENGTH} characters`);
    }
    return v;
  }
  return undefined;
}

/** `actions` of a rank or multi-slot rank request: 1-50 actions with unique ids and at least one feature value each. */
export function parseActions(value: unknown): RankAction[] {
  if (!Array.isArray(value)) throw new FieldError('actions', 'is required: an array of 1 to 50 actions');
  if (value.length < 1 || value.length > MAX_ACTIONS) {
    throw new FieldError('actions', `Action count should be between 1 and ${MAX_ACTIONS}.`);
  }
  const ids = new Set<string>();
  return value.map((raw: unknown, i: number) => {
    const field = `actions[${i}]`;
    if (raw === null || raw === undefined) throw new FieldError(field, 'Actions contains null value.');
    if (!isObject(raw)) throw new FieldError(field, 'must be an object with id and features');
    if (typeof raw.id !== 'string' || raw.id === '') throw new FieldError(`${field}.id`, 'Action ids must not be empty.');
    if (raw.id.length > MAX_ID_LENGTH) throw new FieldError(`${field}.id`, `must be at most ${MAX_ID_LENGTH} characters`);
    if (ids.has(raw.id)) throw new FieldError(`${field}.id`, `"${raw.id}" is used by another action`);
    ids.add(raw.id);
    if (raw.features === undefined || raw.features === null) throw new FieldError(`${field}.features`, 'is required: an array of feature objects');
    const { list, values } = checkFeatureList(raw.features, `${field}.features`, 'Actions contains null value.');
    if (values === 0) throw new FieldError(`${field}.features`, 'Every action should have at least one non-null action feature.');
    return { id: raw.id, features: list };
  });
}

/** `eventId` and `deferActivation` of a rank or multi-slot rank request. */
export function parseEventFields(body: Record<string, unknown>): { eventId?: string; deferActivation: boolean } {
  let eventId: string | undefined;
  if (body.eventId !== undefined && body.eventId !== null) {
    if (typeof body.eventId !== 'string' || body.eventId === '') throw new FieldError('eventId', 'EventId should be non-empty or null.');
    if (body.eventId.length > MAX_ID_LENGTH) throw new FieldError('eventId', `must be at most ${MAX_ID_LENGTH} characters`);
    eventId = body.eventId;
  }
  if (body.deferActivation !== undefined && body.deferActivation !== null && typeof body.deferActivation !== 'boolean') {
    throw new FieldError('deferActivation', 'must be true or false');
  }
  return { eventId, deferActivation: body.deferActivation === true };
}

function parse(body: unknown): RankRequest {
  if (!isObject(body)) throw new FieldError('body', 'must be a JSON object (a Personalizer RankRequest)');
  const contextFeatures =
    body.contextFeatures === undefined || body.contextFeatures === null
      ? []
      : checkFeatureList(body.contextFeatures, 'contextFeatures', 'Context features contains null value.').list;

  const actions = parseActions(body.actions);

  const excludedActions = new Set<string>();
  if (body.excludedActions !== undefined && body.excludedActions !== null) {
    if (!Array.isArray(body.excludedActions)) throw new FieldError('excludedActions', 'must be an array of action ids');
    body.excludedActions.forEach((id: unknown, i: number) => {
      if (typeof id !== 'string' || id === '') throw new FieldError(`excludedActions[${i}]`, 'must be a non-empty action id');
      excludedActions.add(id);
    });
    if (actions.every((a) => excludedActions.has(a.id))) throw new FieldError('excludedActions', 'excludes every action; at least one must remain');
  }

  const { eventId, deferActivation } = parseEventFields(body);
  return {
    contextFeatures,
    actions,
    excludedActions,
    eventId,
    deferActivation,
    userId: userIdFrom(contextFeatures),
  };
}

export function parseRankRequest(body: unknown): RankParse {
  try {
    return { ok: true, request: parse(body) };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}
