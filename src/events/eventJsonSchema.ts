// The tracked event as JSON Schema (draft 2020-12), written from the validator's own rules
// (eventValidation.ts: the fields capture accepts, each type's required fields, the limits) for
// the OpenAPI description. A field the validator accepts without a schema here throws, so the two
// cannot drift; test/events/eventJsonSchema.test.ts checks they agree on valid and invalid events.
import { CHANNELS } from './contactCombinations';
import { DEVICES, EVENT_SCHEMA_VERSION, MAX_DECISION_ID, MAX_EVENT_VALUE } from './eventSchema';
import { CLIENT_FIELDS, CONTEXT_TEXT, REQUIRED_BY_TYPE } from './eventValidation';

type Schema = Record<string, unknown>;

const id: Schema = { type: 'string', minLength: 1, maxLength: 128 };

function fieldSchemas(types: readonly string[]): Record<string, Schema> {
  return {
    schemaVersion: { const: EVENT_SCHEMA_VERSION },
    id: { ...id, description: 'Made by the client (a UUID); the same on every retry.' },
    type: { enum: [...types] },
    userId: { ...id, description: 'Believed on POST /api/events only with a valid userToken when UserTokenKeys is set.' },
    anonymousId: id,
    userToken: { type: 'string', maxLength: 1024, description: "The shop backend's signed token for userId; never stored." },
    timestamp: { type: 'string', format: 'date-time', description: 'RFC 3339 with offset; at most 5 minutes in the future.' },
    productId: id,
    offerId: id,
    category: { type: 'string', maxLength: 256 },
    value: { type: 'number', minimum: -MAX_EVENT_VALUE, maximum: MAX_EVENT_VALUE },
    quantity: { type: 'integer', minimum: 1, maximum: 10_000 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    leadId: id,
    campaignId: id,
    touchId: id,
    channel: { enum: [...CHANNELS] },
    decisionId: { type: 'string', minLength: 1, maxLength: MAX_DECISION_ID, pattern: '^[\\x21-\\x7e]+$' },
    context: {
      type: 'object',
      additionalProperties: false,
      properties: { device: { enum: [...DEVICES] }, ...Object.fromEntries(Object.entries(CONTEXT_TEXT).map(([k, max]) => [k, { type: 'string', maxLength: max }])) },
    },
    properties: {
      type: 'object',
      maxProperties: 50,
      propertyNames: { maxLength: 64, not: { enum: ['__proto__', 'constructor', 'prototype'] } },
      additionalProperties: { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'number' }, { type: 'boolean' }] },
    },
  };
}

/** One event a client may send, of the given types. */
export function eventJsonSchema(types: readonly string[]): Schema {
  const fields = fieldSchemas(types);
  const missing = [...CLIENT_FIELDS].filter((f) => !(f in fields));
  if (missing.length > 0) throw new Error(`eventJsonSchema: no schema for event field(s) ${missing.join(', ')}`);
  return {
    type: 'object',
    properties: Object.fromEntries([...CLIENT_FIELDS].map((f) => [f, fields[f]])),
    required: ['id', 'type'],
    additionalProperties: false,
    anyOf: [{ required: ['userId'] }, { required: ['anonymousId'] }],
    allOf: types
      .filter((t) => (REQUIRED_BY_TYPE[t] ?? []).length > 0)
      .map((t) => ({ if: { properties: { type: { const: t } } }, then: { required: [...REQUIRED_BY_TYPE[t]] } })),
  };
}
