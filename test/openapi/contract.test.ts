// GET /api/openapi.json describes every route the host serves, and each documented example, sent
// to the local host, gets an answer whose status and body the description documents.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { startLocalRuntime, type LocalRuntime } from '../../tools/local/localRuntime';
import { silentLogger } from '../../tools/local/host/hostLogger';
import { OPERATIONS } from '../../src/ranking/http/personalizerApi';

type Schema = Record<string, unknown>;
interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: 'query' | 'path'; example?: unknown }[];
  requestBody?: { content: Record<string, { schema: Schema; example: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: Schema;
}

const appRoot = path.resolve(__dirname, '..', '..');
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const METHOD_ORDER = ['put', 'post', 'get', 'delete'];

describe('OpenAPI description', () => {
  let runtime: LocalRuntime;
  let doc: OpenApi;
  beforeAll(async () => {
    runtime = await startLocalRuntime({
      appRoot, dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-')), logger: silentLogger, eventHubPartitions: 2,
      ports: { http: 0, blob: 0, cosmos: 0, eventHubs: 0 },
    });
    const res = await fetch(`${runtime.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApi;
  }, 90_000);
  afterAll(async () => runtime?.close());

  const schemaOf = (schema: Schema) => ajv.compile({ ...schema, components: doc.components });

  it('is OpenAPI 3.1 and documents every route and method the host serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    const served = runtime.http!.functions.flatMap((f) => f.methods.map((m) => `${m.toLowerCase()} /${f.route.replace(/^\//, '').replace(/\{(\w+)\?\}/, '{$1}')}`)).sort();
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)).sort();
    // GET /api/manage/{offers,products} without an id lists the catalog: the same function as /{id}.
    const listing = (s: string) => /^get \/api\/manage\/(offers|products)\/\{id\}$/.test(s);
    // The Personalizer API is one catch-all function (personalizer/{*path}); its operations are those
    // of the published definitions (src/ranking/http/personalizerApi.ts), a documented one must be one of them.
    const catchAll = (s: string) => / \/personalizer\/\{\*path\}$/.test(s);
    const personalizerOperation = (s: string) => OPERATIONS.some((o) => s === `${o.method.toLowerCase()} /personalizer/v1.0${o.path}` && o.families.includes('v1.0'));
    expect(served.filter((s) => !documented.includes(s) && !catchAll(s))).toEqual([]);
    expect(documented.filter((s) => !served.includes(s) && !listing(s) && !personalizerOperation(s))).toEqual([]);
  });

  it('answers every documented example as documented', async () => {
    const keys: Record<string, Record<string, string>> = {
      functionKey: { 'x-functions-key': runtime.keys.functionKey },
      campaignKey: { 'x-campaign-key': runtime.env.CampaignApiKeys.split(',')[0] },
      apiKey: { 'Ocp-Apim-Subscription-Key': runtime.env.PersonalizerApiKeys.split(',')[0] },
      catalogKey: { 'x-catalog-key': runtime.env.CatalogApiKeys.split(',')[0] },
    };
    const failures: string[] = [];
    let replayed = 0;
    for (const [route, ops] of Object.entries(doc.paths)) {
      for (const method of METHOD_ORDER.filter((m) => m in ops)) {
        const o = ops[method];
        const name = `${method.toUpperCase()} ${route}`;
        let url = route;
        const search = new URLSearchParams();
        for (const p of o.parameters ?? []) {
          if (p.example === undefined) continue;
          if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(p.example)));
          else search.set(p.name, String(p.example));
        }
        const headers: Record<string, string> = {};
        for (const s of o.security ?? []) for (const scheme of Object.keys(s)) Object.assign(headers, keys[scheme]);
        let body: string | undefined;
        const media = o.requestBody?.content['application/json'];
        if (media) {
          const valid = schemaOf(media.schema);
          if (!valid(media.example)) failures.push(`${name}: its request example does not match its schema: ${ajv.errorsText(valid.errors)}`);
          body = JSON.stringify(media.example);
          headers['content-type'] = 'application/json';
        }
        const res = await fetch(`${runtime.url}${url}${search.size ? `?${search}` : ''}`, { method: method.toUpperCase(), headers, body });
        replayed++;
        const documented = o.responses[String(res.status)];
        const text = await res.text();
        if (!documented) {
          failures.push(`${name}: answered ${res.status}, not documented (${text.slice(0, 200)})`);
          continue;
        }
        const schema = documented.content?.['application/json']?.schema;
        if (schema && (res.headers.get('content-type') ?? '').includes('json')) {
          const valid = schemaOf(schema);
          if (!valid(JSON.parse(text))) failures.push(`${name}: the ${res.status} body does not match: ${ajv.errorsText(valid.errors)} (${text.slice(0, 200)})`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(replayed).toBeGreaterThanOrEqual(22);
  });
});
