// The contract test: walks every operation of both published Personalizer definitions
// (../shared/personalizer-api: stable-v1.0 under /personalizer/v1.0, 2022-09-01-preview under
// /personalizer?api-version=…), sends each served one its example request (or, where upstream has
// no example, one built from the definition) over real HTTP through the local host, and validates
// status and body against the definition's response schemas with ajv; then a bad request of each
// operation that takes a body against the ErrorResponse schema. Operations left out must be in
// NOT_SERVED (and answer 404); nothing is served that the definitions do not have. The evaluation
// the examples' Get and ApplyFromEvaluation name is created (and run to completion) beforehand on
// a synthetic log in the archive; the examples' creates run first and their deletes last.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { promoteRandomOfferModel, startRankingStack, type RankingStack } from './fixtures/rankingStack';
import { BlobServiceClient } from '@azure/storage-blob';
import { ArchiveWriter } from '../../src/archive/archiveWriter';
import { archiveTrackedEvents } from '../../tools/synthetic/decisions/archiveTrackedEvents';
import { generateDecisionLog } from '../../tools/synthetic/decisions/syntheticDecisionLog';
import { NOT_SERVED, OPERATIONS, PREVIEW, STABLE } from '../../src/ranking/http/personalizerApi';

const SHARED = path.join(__dirname, '..', '..', '..', 'shared', 'personalizer-api');
const DEFINITIONS = [
  { family: STABLE, folder: 'stable-v1.0', base: '/personalizer/v1.0', query: '' },
  { family: PREVIEW, folder: '2022-09-01-preview', base: '/personalizer', query: `?api-version=${PREVIEW}` },
] as const;

interface SpecOperation {
  operationId: string;
  parameters?: { name: string; in: string; schema?: unknown }[];
  responses: Record<string, { schema?: Record<string, unknown> }>;
  'x-ms-examples'?: Record<string, { $ref: string }>;
  produces?: string[];
}
interface Spec {
  paths: Record<string, Record<string, SpecOperation>>;
  definitions: Record<string, unknown>;
}

/** The evaluation id of the preview examples of Evaluations_Get and ApplyFromEvaluation. */
const EXAMPLE_EVALUATION = 'b58c6d92-b727-48c1-9487-4be2782c9e0a';
/** Query parameters of the examples that are sent as such. */
const QUERY_PARAMS = new Set(['signed', 'startTime', 'endTime', 'intervalInMinutes', 'window', 'top', 'skip', 'maxpagesize']);

const specs = Object.fromEntries(DEFINITIONS.map((d) => [d.family, JSON.parse(fs.readFileSync(path.join(SHARED, d.folder, 'Personalizer.json'), 'utf8')) as Spec]));

function walk(): { def: (typeof DEFINITIONS)[number]; path: string; method: string; op: SpecOperation }[] {
  const out = [];
  for (const def of DEFINITIONS) {
    for (const [p, ops] of Object.entries(specs[def.family].paths)) {
      for (const [method, op] of Object.entries(ops)) if (method !== 'parameters') out.push({ def, path: p, method: method.toUpperCase(), op });
    }
  }
  // Creates first (the Gets name what they create); their deletes and the model reset last (the
  // other model calls need the promoted model). The definition lists delete, get, put.
  const order = (id: string) =>
    id === 'Evaluations_Create' || id === 'FeatureImportances_Create' ? 0 : id === 'Evaluations_Delete' || id === 'FeatureImportances_Delete' ? 2 : id === 'Model_Reset' ? 3 : 1;
  return out.sort((a, b) => order(a.op.operationId) - order(b.op.operationId));
}

/** The example's parameters (upstream lacks some files: stand-ins built from the definitions). */
function exampleOf(def: (typeof DEFINITIONS)[number], op: SpecOperation): Record<string, unknown> {
  // The definitions' log uploads are Vowpal Wabbit's binary format; this service takes JSON
  // (docs/personalizer-migration.md), so the examples are ours.
  if (op.operationId === 'Log_Interactions') {
    return {
      body: [{ eventId: 'contract-upload', request: { actions: [{ id: 'a', features: [{ x: 1 }] }, { id: 'b', features: [{ x: 2 }] }] }, response: { ranking: [{ id: 'a', probability: 0.5 }, { id: 'b', probability: 0.5 }], rewardActionId: 'a' } }],
    };
  }
  if (op.operationId === 'Log_Observations') return { body: [{ eventId: 'contract-upload', value: 1 }] };
  const ref = Object.values(op['x-ms-examples'] ?? {})[0]?.$ref;
  const file = ref ? path.join(SHARED, def.folder, ref) : undefined;
  if (file && fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { parameters: Record<string, unknown> }).parameters;
  const stable = path.join(SHARED, 'stable-v1.0', 'examples', `${op.operationId}.json`);
  if (fs.existsSync(stable)) return (JSON.parse(fs.readFileSync(stable, 'utf8')) as { parameters: Record<string, unknown> }).parameters;
  switch (op.operationId) {
    case 'MultiSlotEvents_Reward':
      return { eventId: 'contract-multislot', body: { reward: [{ slotId: 'Main Article', value: 1 }] } };
    case 'MultiSlotEvents_Activate':
      return { eventId: 'contract-multislot' };
    default:
      return {};
  }
}

describe('Personalizer API contract: every operation of both definitions', () => {
  let stack: RankingStack;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of ['float', 'int32', 'int64', 'double', 'binary']) ajv.addFormat(f, true);
  for (const def of DEFINITIONS) ajv.addSchema({ $id: def.family, definitions: specs[def.family].definitions });
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (family: string, schema: Record<string, unknown>): ValidateFunction => {
    const text = JSON.stringify(schema).replaceAll('"#/definitions/', `"${family}#/definitions/`);
    let v = validators.get(family + text);
    if (!v) validators.set(family + text, (v = ajv.compile(JSON.parse(text))));
    return v;
  };
  let signedModel: Buffer;

  beforeAll(async () => {
    stack = await startRankingStack({
      beforeStart: promoteRandomOfferModel(5, { trees: 10, depth: 3 }),
    });
    const exported = await fetch(`${stack.url}/personalizer/model?api-version=${PREVIEW}&signed=true`, { headers: { 'Ocp-Apim-Subscription-Key': stack.apiKeys[0] } });
    expect(exported.status).toBe(200);
    signedModel = Buffer.from(await exported.arrayBuffer());

    // The evaluation the preview examples of Get and ApplyFromEvaluation name, completed.
    const archive = BlobServiceClient.fromConnectionString(process.env.ArchiveStorage!).getContainerClient('archive');
    await archive.createIfNotExists();
    const startMs = Date.UTC(2026, 10, 1);
    await archiveTrackedEvents(new ArchiveWriter(archive, { windowMinutes: 1440 }), generateDecisionLog({ decisions: 1200, startMs, seed: 3 }).events, { partitions: 2 });
    const url = `${stack.url}/personalizer/evaluations/${EXAMPLE_EVALUATION}?api-version=${PREVIEW}`;
    const headers = { 'Ocp-Apim-Subscription-Key': stack.apiKeys[0], 'content-type': 'application/json' };
    const body = { name: 'contract', startTime: new Date(startMs).toISOString(), endTime: new Date(startMs + 86_400_000).toISOString(), policies: [] };
    expect((await fetch(url, { method: 'PUT', headers, body: JSON.stringify(body) })).status).toBe(200);
    for (let status = ''; status !== 'Succeeded'; await new Promise((r) => setTimeout(r, 200))) {
      status = ((await (await fetch(url, { headers })).json()) as { status: string }).status;
      expect(status).not.toBe('Failed');
    }
  }, 90_000);
  afterAll(async () => stack?.stop(), 30_000);

  const call = (def: (typeof DEFINITIONS)[number], method: string, specPath: string, params: Record<string, unknown>, body?: unknown, raw?: Buffer) => {
    const resolved = specPath.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name] ?? `contract-${name}`)));
    const extra = Object.entries(params).filter(([k, v]) => QUERY_PARAMS.has(k) && v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
    const query = def.query + (extra.length ? `${def.query ? '&' : '?'}${extra.join('&')}` : '');
    return fetch(`${stack.url}${def.base}${resolved}${query}`, {
      method,
      headers: { 'Ocp-Apim-Subscription-Key': stack.apiKeys[0], ...(raw ? { 'content-type': 'application/octet-stream' } : body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: raw ? new Uint8Array(raw) : body !== undefined ? JSON.stringify(body) : undefined,
    });
  };

  it('serves every operation of the definitions or lists it as not served, and serves nothing else', () => {
    const listed = new Set([...OPERATIONS.map((o) => `${o.method} ${o.path}`), ...NOT_SERVED.map((o) => `${o.method} ${o.path}`)]);
    const inSpecs = new Set(walk().map((w) => `${w.method} ${w.path}`));
    expect([...inSpecs].filter((k) => !listed.has(k))).toEqual([]);
    expect([...listed].filter((k) => !inSpecs.has(k))).toEqual([]);
    for (const w of walk()) {
      const served = OPERATIONS.find((o) => o.method === w.method && o.path === w.path);
      if (served) expect(served.families, `${w.def.family} ${w.method} ${w.path}`).toContain(w.def.family);
    }
    // 29 operations in the README's table (Evaluations_Create has two spellings).
    expect(new Set(walk().map((w) => `${w.method} ${w.path}`)).size).toBe(29);
  });

  it('answers each served operation as the definition describes, with the example request', async () => {
    // The validators do check: a probability above 1 and a wrong error code are refused.
    expect(validatorFor(STABLE, { $ref: '#/definitions/RankResponse' })({ ranking: [{ id: 'a', probability: 2 }] })).toBe(false);
    expect(validatorFor(PREVIEW, { $ref: '#/definitions/ErrorResponse' })({ error: { code: 'NoSuchCode', message: 'x' } })).toBe(false);
    const checked: string[] = [];
    for (const { def, path: p, method, op } of walk()) {
      const what = `${def.family} ${op.operationId} (${method} ${p})`;
      const notServed = NOT_SERVED.some((n) => n.method === method && n.path === p);
      const params = exampleOf(def, op);
      const bodyParam = op.parameters?.find((x) => x.in === 'body');
      const body = bodyParam ? params[bodyParam.name] : undefined;
      const res = op.operationId === 'Model_Import' ? await call(def, method, p, params, undefined, signedModel) : await call(def, method, p, params, body);
      if (notServed) {
        expect(res.status, what).toBe(404);
        expect(await res.json(), what).toMatchObject({ error: { code: 'ResourceNotFound' } });
        continue;
      }
      const declared = Object.keys(op.responses).filter((k) => k !== 'default');
      const text = Buffer.from(await res.arrayBuffer());
      expect(declared, `${what}: ${res.status} ${text.toString('utf8').slice(0, 400)}`).toContain(String(res.status));
      const schema = op.responses[String(res.status)]?.schema;
      if (schema && schema.type !== 'file') {
        const json = JSON.parse(text.toString('utf8')) as unknown;
        const validate = validatorFor(def.family, schema);
        expect(validate(json), `${what}: ${JSON.stringify(validate.errors)} in ${text.toString('utf8').slice(0, 400)}`).toBe(true);
      } else if (schema?.type === 'file') {
        expect(res.headers.get('content-type'), what).toMatch(/octet-stream|zip/);
      } else {
        expect(text.length, what).toBe(0);
      }
      checked.push(`${def.family} ${op.operationId}`);
    }
    expect(checked.length).toBe(walk().length - walk().filter((w) => NOT_SERVED.some((n) => n.method === w.method && n.path === w.path)).length);
  }, 60_000);

  it("answers bad requests with the definition's ErrorResponse, naming the field", async () => {
    for (const { def, path: p, method, op } of walk()) {
      const bodyParam = op.parameters?.find((x) => x.in === 'body');
      const served = OPERATIONS.some((o) => o.method === method && o.path === p);
      if (!served || !bodyParam || !op.responses.default) continue;
      const what = `${def.family} ${op.operationId}`;
      const res = op.operationId === 'Model_Import' ? await call(def, method, p, {}, undefined, Buffer.from('not a model')) : await call(def, method, p, {}, { unknownField: [1] });
      expect(res.status, what).toBe(400);
      const json = (await res.json()) as { error: { target?: string; message: string } };
      const validate = validatorFor(def.family, op.responses.default.schema!);
      expect(validate(json), `${what}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(json.error.target, what).toBeTruthy();
      expect(json.error.message.startsWith(`${json.error.target}: `), what).toBe(true);
    }
  });

  it('refuses a missing or unknown api-version on the preview family, and serves preview-only operations only there', async () => {
    const headers = { 'Ocp-Apim-Subscription-Key': stack.apiKeys[0] };
    const missing = await fetch(`${stack.url}/personalizer/configurations/service`, { headers });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 'BadRequest', target: 'api-version' } });
    expect((await fetch(`${stack.url}/personalizer/configurations/service?api-version=2019-01-01`, { headers })).status).toBe(400);
    const v1 = await fetch(`${stack.url}/personalizer/v1.0/multislot/rank`, { method: 'POST', headers, body: '{}' });
    expect(v1.status).toBe(404);
    expect((await fetch(`${stack.url}/personalizer/v1.0/model`, { method: 'PUT', headers, body: 'x' })).status).toBe(405);
    expect((await fetch(`${stack.url}/personalizer/v1.0/configurations/service`)).status).toBe(401);
  });
});
