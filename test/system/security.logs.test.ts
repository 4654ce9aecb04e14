// No secret in any log line or error answer: the runtime runs with a capturing logger (and this
// process's console and stdout/stderr captured too, since some services log with console.warn),
// every endpoint is called with right and wrong keys, with bad input, and while Cosmos DB and
// Event Hubs are down; then no function key, master key, Personalizer API key, signing key,
// account key, connection string or SAS / Cosmos auth token may appear anywhere.
import fs from 'node:fs';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startFuzzRuntime, FuzzRuntime, send, Answer } from './fuzzKit';
import { ENDPOINT_AUTH } from './authLevels';
import { COSMOS_EMULATOR_KEY } from '../../tools/local/localServices';
import { DEV_ACCOUNT_KEY } from '../../tools/local/services/azurite';

type Sink = (chunk: unknown, ...rest: unknown[]) => boolean;

/** Text a request smuggles after a line break, to forge a log line. */
const INJECTED = 'INFO forged-log-line';

describe('security: no secret in logs or error answers', () => {
  let rt: FuzzRuntime;
  const captured: string[] = [];
  const answers: { what: string; answer: Answer }[] = [];
  const restore: (() => void)[] = [];
  const print = console.log.bind(console);

  beforeAll(async () => {
    // Everything this process prints, besides the host logger.
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream) as Sink;
      (stream as unknown as { write: Sink }).write = (chunk: unknown, ...rest: unknown[]) => {
        captured.push(String(chunk));
        return original(chunk, ...rest);
      };
      restore.push(() => ((stream as unknown as { write: Sink }).write = original));
    }
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[level];
      console[level] = (...args: unknown[]) => {
        captured.push(args.map((a) => (a instanceof Error ? `${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      };
      restore.push(() => (console[level] = original));
    }
    rt = await startFuzzRuntime({}, { triggers: true });
  }, 90_000);
  afterAll(async () => {
    for (const r of restore.reverse()) r();
    // Should it hang (it did, waiting on Event Hubs), make sure the services are gone anyway;
    // the last test asserts that it ends promptly.
    const closed = await Promise.race([rt?.close().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]);
    if (!closed) {
      for (const s of rt.runtime.services) s.child.process.kill('SIGKILL');
      fs.rmSync(rt.dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  const timings: { what: string; status: number; ms: number }[] = [];
  const call = async (what: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) => {
    const started = Date.now();
    const answer = await send(rt.url, { method, path, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, body }, 25_000);
    answers.push({ what, answer });
    timings.push({ what, status: answer.status, ms: Date.now() - started });
    return answer;
  };

  it('exercises every endpoint: right keys, wrong keys, bad input, dependencies down', async () => {
    const keys = rt.runtime.keys;
    const pzr = rt.secrets.personalizerApiKey;
    const rightKey = (e: (typeof ENDPOINT_AUTH)[number]): Record<string, string> =>
      e.apiKey ? { 'ocp-apim-subscription-key': pzr } : e.namedKey === 'catalog' ? { 'x-catalog-key': rt.secrets.catalogApiKey } : e.namedKey === 'campaign' ? { 'x-campaign-key': rt.secrets.campaignApiKey } : e.authLevel === 'admin' ? { 'x-functions-key': keys.masterKey } : e.authLevel === 'function' ? { 'x-functions-key': keys.functionKey } : {};

    // All calls of a phase at once: with a dependency down some take until their own timeouts.
    const exercise = async (phase: string) => {
      const calls: Promise<unknown>[] = [];
      for (const e of ENDPOINT_AUTH) {
        calls.push(call(`${phase} ${e.name} right key`, e.sample.method, e.sample.path, rightKey(e), e.sample.body));
        // Wrong keys of every kind, including real keys presented where they do not belong.
        calls.push(call(`${phase} ${e.name} master key as API key`, e.sample.method, e.sample.path, { 'ocp-apim-subscription-key': keys.masterKey }, e.sample.body));
        calls.push(call(`${phase} ${e.name} API key as function key`, e.sample.method, `${e.sample.path}${e.sample.path.includes('?') ? '&' : '?'}code=${pzr}`, { 'x-functions-key': pzr }, e.sample.body));
        calls.push(call(`${phase} ${e.name} function key where admin`, e.sample.method, e.sample.path, { 'x-functions-key': keys.functionKey, 'ocp-apim-subscription-key': keys.functionKey }, e.sample.body));
        // Bad input.
        if (e.sample.method !== 'GET') calls.push(call(`${phase} ${e.name} bad body`, e.sample.method, e.sample.path, rightKey(e), '{"bad": '));
      }
      calls.push(call(`${phase} forged reward`, 'POST', `/personalizer/v1.0/events/${rt.secrets.signingKeyBase64.replace(/[+/=]/g, 'A')}/reward`, { 'ocp-apim-subscription-key': pzr }, '{"value":1}'));
      calls.push(call(`${phase} rank`, 'POST', '/personalizer/v1.0/rank', { 'ocp-apim-subscription-key': pzr }, '{"contextFeatures":[{"userId":"u-1"}],"actions":[{"id":"a","features":[{"x":1}]}]}'));
      calls.push(call(`${phase} capture`, 'POST', '/api/events', {}, JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ id: `${phase}-${i}`, type: 'offer_view', userId: `u-${i}`, offerId: 'o-1' })))));
      calls.push(call(`${phase} offers`, 'GET', '/api/offers?userId=u-1'));
      // Log injection: a key with a line break and a bidi override, and a whitespace-only key.
      calls.push(call(`${phase} offers injected`, 'GET', `/api/offers?userId=${encodeURIComponent(`${phase}\n${INJECTED}\u202E`)}`));
      calls.push(call(`${phase} offers blank`, 'GET', '/api/offers?userId=%20'));
      calls.push(call(`${phase} aggregates`, 'GET', `/api/aggregates?kind=offer&code=${keys.functionKey}`));
      calls.push(call(`${phase} health`, 'GET', '/api/health'));
      await Promise.all(calls);
    };

    await call('setup offer', 'PUT', '/api/manage/offers/o-1', { 'x-catalog-key': rt.secrets.catalogApiKey }, '{"title":"t","category":"c","price":1,"active":true}');
    await exercise('up');
    await new Promise((r) => setTimeout(r, 3_000)); // let the triggers process what was captured

    // Cosmos DB down: every reader and the aggregation trigger fail and log.
    const cosmos = rt.runtime.services.find((s) => /cosmos/i.test(s.name))!;
    await cosmos.stop();
    await exercise('cosmos-down');
    await new Promise((r) => setTimeout(r, 4_000)); // the aggregation trigger fails and retries

    // Event Hubs down too: capture, rank, reward and health fail.
    const eventHubs = rt.runtime.services.find((s) => /event hubs/i.test(s.name))!;
    await eventHubs.stop();
    await exercise('eventhubs-down');
    await new Promise((r) => setTimeout(r, 2_000));

    const slow = timings.filter((t) => t.ms > 5_000).map((t) => `${t.what}: ${t.status} after ${t.ms} ms`);
    if (slow.length) print(`slow answers with a dependency down:\n${slow.join('\n')}`);
    expect(answers.some((a) => a.answer.status === 503)).toBe(true);
    expect(rt.log.lines.some((l) => /retry \d+ in/.test(l))).toBe(true);
  }, 120_000);

  it('no secret appears in any log line, any stdout/stderr output or any answer', () => {
    const keys = rt.runtime.keys;
    const signing = rt.secrets.signingKey;
    const secrets: [string, string][] = [
      ['master key', keys.masterKey],
      ['function key', keys.functionKey],
      ['Personalizer API key', rt.secrets.personalizerApiKey],
      ['catalog key', rt.secrets.catalogApiKey],
      ['campaign key', rt.secrets.campaignApiKey],
      ['signing key (base64)', signing.toString('base64')],
      ['signing key (base64url)', signing.toString('base64url')],
      ['signing key (hex)', signing.toString('hex')],
      ['Cosmos DB account key', COSMOS_EMULATOR_KEY],
      ['storage account key', DEV_ACCOUNT_KEY],
      ['Event Hubs SAS key', 'SAS_KEY_VALUE'],
    ];
    const patterns: [string, RegExp][] = [
      ['a connection string with AccountKey', /AccountKey=/i],
      ['a connection string with SharedAccessKey', /SharedAccessKey=/i],
      ['a SAS signature', /[?&]sig=[A-Za-z0-9%+/=]{16,}/],
      ['a SharedAccessSignature token', /SharedAccessSignature\s+sr=/],
      ['a Cosmos DB master-key auth token', /type(=|%3D)master(&|%26)ver/i],
    ];
    const sources: [string, string[]][] = [
      ['host log', rt.log.lines],
      ['stdout/stderr', captured],
      ['answers', answers.map((a) => `${a.what}: ${a.answer.status} ${JSON.stringify(a.answer.headers)} ${a.answer.text.slice(0, 20_000)}`)],
    ];
    const leaks: string[] = [];
    for (const [source, lines] of sources) {
      for (const line of lines) {
        for (const [what, secret] of secrets) if (secret && line.includes(secret)) leaks.push(`${source}: ${what} in: ${line.slice(0, 300)}`);
        for (const [what, re] of patterns) if (re.test(line)) leaks.push(`${source}: ${what} in: ${line.slice(0, 300)}`);
      }
    }
    // The run did log (failures included), so an empty result means something.
    expect(rt.log.lines.length + captured.length).toBeGreaterThan(20);
    expect(leaks).toEqual([]);
  });

  it('with a dependency down, answers are 503 (retry later) or a 4xx, never 500, and name no internal error', () => {
    // The campaign plan answered 500 with the store's own error message (planHandlers.ts).
    const errors = timings.filter((t) => t.status === 500).map((t) => `${t.what}: 500 after ${t.ms} ms`);
    expect(errors).toEqual([]);
    const plan = answers.filter((a) => /campaignPlan right key/.test(a.what) && a.answer.status === 503);
    for (const { answer } of plan) {
      expect(answer.headers['retry-after']).toBeTruthy();
      expect(answer.text).not.toMatch(/ECONN|socket|Error:|at /);
    }
  });

  it('request input reaches no log line unescaped (no forged lines), and a blank user key is refused', () => {
    const lines = [...rt.log.lines, ...captured];
    // The injected key did reach the logging path (profile reads failing while Cosmos DB is down).
    expect(lines.some((l) => /profile read failed/.test(l))).toBe(true);
    expect(lines.filter((l) => l.includes(`\n${INJECTED}`) || l.includes('\u202E'))).toEqual([]);
    for (const { what, answer } of answers.filter((a) => a.what.endsWith('offers blank'))) {
      expect(answer.status, what).toBe(400);
      expect(answer.text, what).toMatch(/userId: must not be blank/);
    }
  });

  it('the runtime shuts down promptly with Cosmos DB and Event Hubs down', async () => {
    const started = Date.now();
    await rt.runtime.close();
    rt.close = async () => fs.rmSync(rt.dataDir, { recursive: true, force: true });
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);
});
