import { describe, it, expect } from 'vitest';
import { parseRankRequest } from '../../src/ranking/rankRequest';

const action = (id: string) => ({ id, features: [{ category: 'shoes' }] });
const valid = {
  contextFeatures: [{ timeOfDay: 'morning' }, { device: { type: 'mobile' } }, { userId: 'u-1' }],
  actions: [action('a'), action('b')],
  excludedActions: ['b'],
  eventId: 'my-event',
  deferActivation: true,
};

function fieldOf(body: unknown): string {
  const r = parseRankRequest(body);
  if (r.ok) throw new Error('expected a refusal');
  return `${r.field}: ${r.message}`;
}

describe('Personalizer rank request validation', () => {
  it('accepts a full v1.0 RankRequest and picks the user id from the context', () => {
    const r = parseRankRequest(valid);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.request.actions.map((a) => a.id)).toEqual(['a', 'b']);
    expect([...r.request.excludedActions]).toEqual(['b']);
    expect(r.request).toMatchObject({ eventId: 'my-event', deferActivation: true, userId: 'u-1' });
  });

  it('accepts the minimal request (actions only) and nulls for optional fields', () => {
    const r = parseRankRequest({ actions: [action('x')], contextFeatures: null, excludedActions: null, eventId: null, deferActivation: null });
    expect(r.ok && r.request).toMatchObject({ contextFeatures: [], deferActivation: false, eventId: undefined });
  });

  it.each([
    [null, 'body: must be a JSON object'],
    [[], 'body: must be a JSON object'],
    [{}, 'actions: is required'],
    [{ actions: [] }, 'actions: Action count should be between 1 and 50.'],
    [{ actions: Array.from({ length: 51 }, (_, i) => action(`a${i}`)) }, 'actions: Action count should be between 1 and 50.'],
    [{ actions: [null] }, 'actions[0]: Actions contains null value.'],
    [{ actions: [action('a'), { id: '', features: [{ x: 1 }] }] }, 'actions[1].id: Action ids must not be empty.'],
    [{ actions: [action('a'), action('a')] }, 'actions[1].id: "a" is used by another action'],
    [{ actions: [{ id: 'a' }] }, 'actions[0].features: is required'],
    [{ actions: [{ id: 'a', features: [{ x: null }] }] }, 'actions[0].features: Every action should have at least one non-null action feature.'],
    [{ actions: [{ id: 'a', features: [{ tags: ['x'] }] }] }, 'actions[0].features[0].tags[0]: Features should not contain array with non-number items.'],
    [{ actions: [{ id: 'a', features: ['x'] }] }, 'actions[0].features[0]: Features are not in key value pair format.'],
    [{ actions: [{ id: 'a', features: [{ '': 1 }] }] }, 'actions[0].features[0]: Context features and action features cannot use the empty string as an id.'],
    [{ actions: [action('a')], contextFeatures: [null] }, 'contextFeatures[0]: Context features contains null value.'],
    [{ actions: [action('a')], contextFeatures: {} }, 'contextFeatures: must be an array of feature objects'],
    [{ actions: [action('a')], contextFeatures: [{ userId: 7 }] }, 'contextFeatures[0].userId: must be a string of 1-128 characters'],
    [{ actions: [action('a')], excludedActions: 'a' }, 'excludedActions: must be an array of action ids'],
    [{ actions: [action('a')], excludedActions: ['a'] }, 'excludedActions: excludes every action'],
    [{ actions: [action('a')], eventId: '' }, 'eventId: EventId should be non-empty or null.'],
    [{ actions: [action('a')], eventId: 'e'.repeat(257) }, 'eventId: must be at most 256 characters'],
    [{ actions: [action('a')], deferActivation: 'yes' }, 'deferActivation: must be true or false'],
  ])('refuses %j naming the field', (body, expected) => {
    expect(fieldOf(body)).toContain(expected);
  });

  it('refuses deeply nested and oversized feature objects', () => {
    let deep: Record<string, unknown> = { v: 1 };
    for (let i = 0; i < 10; i++) deep = { n: deep };
    expect(fieldOf({ actions: [{ id: 'a', features: [deep] }] })).toContain('nests deeper than');
    const wide = Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`k${i}`, i]));
    expect(fieldOf({ actions: [{ id: 'a', features: [wide] }] })).toContain('feature values');
  });
});
