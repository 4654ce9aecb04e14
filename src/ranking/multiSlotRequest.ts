// Validation of a multi-slot rank request (2022-09-01-preview MultiSlotRankRequest): the rank
// request's context, actions, eventId and deferActivation rules, plus 1-50 slots with unique ids,
// each with a baseline action that is one of the actions, unique across slots and not excluded.
import { FieldError, checkFeatureList, isObject, parseActions, parseEventFields, userIdFrom, MAX_ID_LENGTH, type FeatureObject, type RankAction } from './rankRequest';
import type { SlotInput } from './multiSlot';

export const MAX_SLOTS = 50;

export interface MultiSlotRankRequest {
  contextFeatures: FeatureObject[];
  actions: RankAction[];
  slots: SlotInput[];
  eventId?: string;
  deferActivation: boolean;
  userId?: string;
}

export type MultiSlotParse = { ok: true; request: MultiSlotRankRequest } | { ok: false; field: string; message: string };

function parse(body: unknown): MultiSlotRankRequest {
  if (!isObject(body)) throw new FieldError('body', 'must be a JSON object (a Personalizer MultiSlotRankRequest)');
  const contextFeatures =
    body.contextFeatures === undefined || body.contextFeatures === null ? [] : checkFeatureList(body.contextFeatures, 'contextFeatures', 'Context features contains null value.').list;
  const actions = parseActions(body.actions);
  const actionIds = new Set(actions.map((a) => a.id));
  if (!Array.isArray(body.slots)) throw new FieldError('slots', `is required: an array of 1 to ${MAX_SLOTS} slots`);
  if (body.slots.length < 1 || body.slots.length > MAX_SLOTS) throw new FieldError('slots', `Slot count should be between 1 and ${MAX_SLOTS}.`);
  const slotIds = new Set<string>();
  const baselines = new Map<string, number>();
  const slots: SlotInput[] = body.slots.map((raw: unknown, i: number) => {
    const field = `slots[${i}]`;
    if (!isObject(raw)) throw new FieldError(field, 'must be an object with id, baselineAction, features and excludedActions');
    if (typeof raw.id !== 'string' || raw.id === '' || raw.id.length > MAX_ID_LENGTH) throw new FieldError(`${field}.id`, `must be a string of 1-${MAX_ID_LENGTH} characters`);
    if (slotIds.has(raw.id)) throw new FieldError(`${field}.id`, `"${raw.id}" is used by another slot`);
    slotIds.add(raw.id);
    const features = raw.features === undefined || raw.features === null ? [] : checkFeatureList(raw.features, `${field}.features`, 'Slot features contains null value.').list;
    const excludedActions = new Set<string>();
    if (raw.excludedActions !== undefined && raw.excludedActions !== null) {
      if (!Array.isArray(raw.excludedActions)) throw new FieldError(`${field}.excludedActions`, 'must be an array of action ids');
      raw.excludedActions.forEach((id: unknown, j: number) => {
        if (typeof id !== 'string' || id === '') throw new FieldError(`${field}.excludedActions[${j}]`, 'must be a non-empty action id');
        excludedActions.add(id);
      });
    }
    const baseline = raw.baselineAction;
    if (typeof baseline !== 'string' || baseline === '') throw new FieldError(`${field}.baselineAction`, 'BaselineAction must be defined for every slot.');
    if (!actionIds.has(baseline)) throw new FieldError(`${field}.baselineAction`, `"${baseline}" is not one of the actions`);
    if (excludedActions.has(baseline)) throw new FieldError(`${field}.baselineAction`, 'BaselineAction should never be part of ExcludedActions.');
    const other = baselines.get(baseline);
    if (other !== undefined) throw new FieldError(`${field}.baselineAction`, `"${baseline}" is already the baseline of slots[${other}]: each slot must have a unique baseline action`);
    baselines.set(baseline, i);
    return { id: raw.id, features, excludedActions, baselineAction: baseline };
  });
  const { eventId, deferActivation } = parseEventFields(body);
  return { contextFeatures, actions, slots, eventId, deferActivation, userId: userIdFrom(contextFeatures) };
}

export function parseMultiSlotRankRequest(body: unknown): MultiSlotParse {
  try {
    return { ok: true, request: parse(body) };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}
