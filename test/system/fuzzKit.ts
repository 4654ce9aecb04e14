// Shared by the fuzz and security tests: the local runtime in this process (embedded Azurite,
// Cosmos DB stand-in and Event Hubs emulator as children, the app's functions served by the HTTP
// host stand-in), a keep-alive HTTP client that never throws on odd input, and fast-check
// arbitraries for hostile input.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import fc from 'fast-check';
import { startLocalRuntime, LocalRuntime } from '../../tools/local/localRuntime';
import type { HostLogger } from '../../tools/local/host/hostLogger';

export const appRoot = path.resolve(__dirname, '..', '..');

export interface CapturedLog {
  lines: string[];
  logger: HostLogger;
}

export function capturingLogger(): CapturedLog {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      info: (m) => lines.push(`info ${m}`),
      warn: (m) => lines.push(`warn ${m}`),
      error: (m) => lines.push(`error ${m}`),
    },
  };
}

/** Distinctive secrets, so a test can look for them (and their usual encodings) in any output. */
export function makeSecrets() {
  const signing = crypto.randomBytes(32);
  return {
    personalizerApiKey: `pzrkey${crypto.randomBytes(12).toString('hex')}`,
    catalogApiKey: `catkey${crypto.randomBytes(12).toString('hex')}`,
    campaignApiKey: `cmpkey${crypto.randomBytes(12).toString('hex')}`,
    signingKey: signing,
    signingKeyBase64: signing.toString('base64'),
  };
}

export interface FuzzRuntime {
  runtime: LocalRuntime;
  dataDir: string;
  log: CapturedLog;
  secrets: ReturnType<typeof makeSecrets>;
  url: string;
  close(): Promise<void>;
}

/**
 * The whole local runtime with its services. The timer triggers are always switched off
 * (`AzureWebJobs.<fn>.Disabled`): nothing trains or plans in the background of a test. The Event
 * Hub triggers are off too unless `triggers` is set: the fuzz targets the HTTP functions, and
 * accepted events need not be processed; the end-to-end tests set it.
 */
export async function startFuzzRuntime(extra: Record<string, string> = {}, opts: { triggers?: boolean } = {}): Promise<FuzzRuntime> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-'));
  const log = capturingLogger();
  const secrets = makeSecrets();
  const off = ['retrainModel', 'retrainProducts', 'campaignPlanTimer', 'campaignRetrain', 'sweepLogDeletions', 'resumePersonalizerJobs', ...(opts.triggers ? [] : ['archiveEvents', 'aggregateEvents'])];
  const overrides: Record<string, string> = {
    PersonalizerApiKeys: secrets.personalizerApiKey,
    RankingSigningKeys: secrets.signingKeyBase64,
    CatalogApiKeys: secrets.catalogApiKey,
    CampaignApiKeys: secrets.campaignApiKey,
    ...Object.fromEntries(off.map((fn) => [`AzureWebJobs.${fn}.Disabled`, 'true'])),
    ...extra,
  };
  const runtime = await startLocalRuntime({
    appRoot,
    dataDir,
    ports: { http: 0, blob: 0, cosmos: 0, eventHubs: 0 },
    logger: log.logger,
    eventHubPartitions: 2,
    overrides,
  });
  return {
    runtime,
    dataDir,
    log,
    secrets,
    url: runtime.url!,
    async close() {
      await runtime.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface RequestSpec {
  method: string;
  /** Path and query exactly as sent on the request line (already encoded, may be malformed). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One request; resolves with the answer, or status 0 and the error for a transport failure. */
export function send(baseUrl: string, spec: RequestSpec, timeoutMs = 20_000): Promise<Answer> {
  const base = new URL(baseUrl);
  return new Promise((resolve) => {
    let req: http.ClientRequest;
    try {
      req = http.request(
        {
          agent,
          hostname: base.hostname,
          port: base.port,
          method: spec.method,
          path: spec.path,
          headers: {
            ...(spec.body !== undefined ? { 'content-length': String(Buffer.byteLength(spec.body)) } : {}),
            ...spec.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => resolve({ status: 0, headers: {}, text: `response error: ${e.message}` }));
        },
      );
    } catch (error) {
      // The client refused to build the request (e.g. an invalid header): not the server's fault.
      resolve({ status: -1, headers: {}, text: (error as Error).message });
      return;
    }
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ status: 0, headers: {}, text: `request error: ${e.message}` }));
    req.end(spec.body);
  });
}

/** The message of an error answer: `error` (string), `error.message` (Personalizer), or plain text. */
export function errorMessage(answer: Answer): string | undefined {
  const type = String(answer.headers['content-type'] ?? '');
  if (type.includes('json')) {
    try {
      const body = JSON.parse(answer.text) as { error?: unknown; message?: unknown };
      if (typeof body.error === 'string' && body.error.trim() !== '') return body.error;
      if (typeof body.error === 'object' && body.error !== null) {
        const m = (body.error as { message?: unknown }).message;
        if (typeof m === 'string' && m.trim() !== '') return m;
      }
      if (typeof body.message === 'string' && body.message.trim() !== '') return body.message;
    } catch {
      return undefined;
    }
    return undefined;
  }
  return answer.text.trim() !== '' ? answer.text : undefined;
}

/**
 * The fuzz property for one answer: an answer came (no crash, no hang), it is not a server error,
 * and a 4xx says what is wrong. The only exception is the host's own 401 for a missing key (empty,
 * as the Functions host answers) and a 503 that names a missing dependency or configuration.
 * Returns the problem, or undefined when the answer is fine.
 */
export function problemWith(answer: Answer, allow: { emptyHost401?: boolean; status503?: boolean } = {}): string | undefined {
  if (answer.status === -1) return undefined; // the client could not even send it
  if (answer.status === 0) return `no answer: ${answer.text}`;
  if (answer.status === 503 && allow.status503) return errorMessage(answer) ? undefined : '503 without a message';
  if (answer.status >= 500) return `server error ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (answer.status >= 400) {
    if (answer.status === 401 && allow.emptyHost401 && answer.text === '') return undefined;
    // Node's HTTP parser itself refuses header blocks over 16 KiB (no function runs).
    if (answer.status === 431) return undefined;
    if (!errorMessage(answer)) return `${answer.status} without a message: ${JSON.stringify(answer.text.slice(0, 200))} (${answer.headers['content-type']})`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Hostile input.

/** Strings that break naive code: control characters, lone surrogates, direction marks, … */
export const NASTY_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uD83D', '\uDE00y', '\u202E\u202Dabc', '\u200B', '\u200D\u200C', '\uFEFF',
  '\u2028\u2029', '\r\n', '\t', 'ﷺ', '𝕏', '👩‍👩‍👧‍👦', 'e\u0301\u0301\u0301', 'שלום', 'مرحبا', '\u0130\u0131', 'ǅ',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
  '../../etc/passwd', '..%2f..%2f', '%00', '%', '%E0%A4%A', '<script>alert(1)</script>', '"', '\\', "'", '${7*7}', '{{7*7}}',
  'NaN', 'Infinity', '-Infinity', '-0', '1e400', 'null', 'undefined', 'true', '[]', '{}',
];

export const NASTY_NUMBERS_JSON = ['0', '-0', '1e400', '-1e400', '1e-400', '4.9e-324', '1.7976931348623157e308', '9007199254740993', '-1', '0.1', '1e21', '123456789012345678901234567890', '"NaN"', '"Infinity"', '"-0"', '"1e400"', '"12"', 'null', 'true', '[]', '{}', '""'];

export const hugeString = fc.integer({ min: 1, max: 300_000 }).map((n) => 'A'.repeat(n));

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { minLength: 1, maxLength: 4 }).map((cs) => String.fromCharCode(...cs)) },
  { weight: 1, arbitrary: hugeString.filter((s) => s.length < 5_000) },
);

export const nastyKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', '\u0000', 'id', 'type', 'value', 'userId', 'eventId', 'actions', 'contextFeatures') },
  { weight: 2, arbitrary: nastyString },
);

/** Any JSON value, with hostile keys and strings, bounded in size. */
export const nastyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(nastyKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** JSON text: usually serialised values, sometimes raw text only a parser sees (1e400, deep nesting, trailing junk). */
export function jsonText(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => '['.repeat(n)) },
    { weight: 1, arbitrary: fc.tuple(value, fc.string({ maxLength: 5 })).map(([v, junk]) => (JSON.stringify(v) ?? '') + junk) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '\uFEFF{}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"a":1,"a":2}', '{\'a\':1}', '[1,]', '{"a":NaN}', '{"a":1e400}', '{"a":-0}', '\u0000') },
  );
}

/** Content types, valid and not. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'text/plain', 'text/plain;charset=UTF-8', 'application/json; charset=utf-16', 'APPLICATION/JSON', 'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz', 'text/html', 'application/xml', '*/*', '', 'application/json;;;', 'application/octet-stream', 'json',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')) },
);

/** A query or path component: arbitrary bytes percent-encoded (so also invalid UTF-8 and odd escapes). */
export const encodedComponent: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: nastyString.map((s) => encodeLoose(s)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 40 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%C0%80', '%ED%A0%80', '..', '.', '%2e%2e', '%2F', '+', '%00', 'a%20b') },
);

/** encodeURIComponent that does not throw on lone surrogates (they become U+FFFD, as a browser would). */
export function encodeLoose(s: string): string {
  return encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
}

/** Valid header values only (Node's client refuses the rest before sending). */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e\t]/g, '')),
  fc.constantFrom('', ' ', 'null', 'undefined', '0', 'Bearer x', 'a'.repeat(8000)),
);

export interface FuzzTally {
  cases: number;
  statuses: Record<number, number>;
  problems: { input: string; problem: string }[];
}

export function newTally(): FuzzTally {
  return { cases: 0, statuses: {}, problems: [] };
}

export function record(tally: FuzzTally, spec: RequestSpec, answer: Answer, problem: string | undefined): void {
  tally.cases++;
  tally.statuses[answer.status] = (tally.statuses[answer.status] ?? 0) + 1;
  if (problem && tally.problems.length < 20) {
    const body = spec.body === undefined ? '' : String(spec.body);
    tally.problems.push({
      input: `${spec.method} ${spec.path.slice(0, 300)} headers=${JSON.stringify(spec.headers ?? {}).slice(0, 300)} body=${JSON.stringify(body.length > 300 ? `${body.slice(0, 300)}…(${body.length} chars)` : body)}`,
      problem,
    });
  }
}

/** Runs `numRuns` cases of a request property and returns what went wrong (bounded by `timeLimitMs`). */
export async function fuzzEndpoint(
  baseUrl: string,
  request: fc.Arbitrary<RequestSpec>,
  opts: { numRuns: number; seed?: number; allow?: Parameters<typeof problemWith>[1]; extraCheck?: (spec: RequestSpec, answer: Answer) => string | undefined; concurrency?: number },
): Promise<FuzzTally> {
  const tally = newTally();
  const samples = fc.sample(request, { numRuns: opts.numRuns, seed: opts.seed ?? 20261123 });
  let next = 0;
  const worker = async () => {
    while (next < samples.length) {
      const spec = samples[next++];
      const answer = await send(baseUrl, spec);
      // A HEAD answer has no body by definition: only its status counts.
      const problem = (spec.method === 'HEAD' ? (answer.status >= 500 || answer.status === 0 ? `HEAD answered ${answer.status}` : undefined) : problemWith(answer, opts.allow))
        ?? opts.extraCheck?.(spec, answer);
      record(tally, spec, answer, problem);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  return tally;
}

export function summarize(name: string, tally: FuzzTally): string {
  return `${name}: ${tally.cases} cases, statuses ${JSON.stringify(tally.statuses)}${tally.problems.length ? `, PROBLEMS:\n${tally.problems.map((p) => `  ${p.problem}\n    input: ${p.input}`).join('\n')}` : ''}`;
}
