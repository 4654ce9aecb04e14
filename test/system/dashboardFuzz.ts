// Property-based fuzzing of the dashboard (page, status, assets) and GET /api/health through the
// local HTTP host, in this process: never a 5xx, never a crash or hang, every 4xx with a message,
// and the asset route never serves anything but the dashboard's own files. Each test file runs a
// part (status and health probe the services on every request, so each gets a file of its own).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { startFuzzRuntime, FuzzRuntime, fuzzEndpoint, summarize, send, nastyString, encodedComponent, encodeLoose, headerValue, RequestSpec } from './fuzzKit';

const CASES = 10_000;

/** Declares the fuzz tests of the named endpoints, on a runtime of their own. */
export function dashboardFuzz(parts: string[]): void {
  describe(`fuzz: ${parts.join(', ')}`, () => {
    let rt: FuzzRuntime;
    const fnKey = () => rt.runtime.keys.functionKey;
    const assetBodies = new Set<string>();
    let publicPage = '';

    beforeAll(async () => {
      rt = await startFuzzRuntime();
      for (const name of ['dashboard.js', 'dashboard.css', 'chart.umd.js']) {
        const answer = await send(rt.url, { method: 'GET', path: `/api/dashboard/assets/${name}` });
        if (answer.status === 200) assetBodies.add(answer.text);
      }
      expect(assetBodies.size).toBeGreaterThan(0);
      // "/api/dashboard/assets/.." is normalised to /api/dashboard: the page, public (it holds no data).
      const page = await send(rt.url, { method: 'GET', path: '/api/dashboard' });
      expect(page.status).toBe(200);
      publicPage = page.text;
    }, 90_000);
    afterAll(async () => rt?.close());

    const anyQuery = fc.array(fc.tuple(encodedComponent, encodedComponent).map(([k, v]) => `${k}=${v}`), { maxLength: 3 }).map((p) => p.join('&'));
    const extraHeaders = fc.dictionary(fc.constantFrom('accept', 'if-none-match', 'origin', 'x-forwarded-for', 'cookie', 'range', 'accept-encoding', 'x-ms-client-principal'), headerValue, { maxKeys: 3 });
    const endpoints: [string, () => fc.Arbitrary<RequestSpec>][] = [
      ['GET /api/dashboard', () => fc.tuple(anyQuery, extraHeaders).map(([q, h]) => ({ method: 'GET', path: `/api/dashboard?${q}&code=${fnKey()}`, headers: h }))],
      ['GET /api/dashboard/status', () => fc.tuple(anyQuery, extraHeaders).map(([q, h]) => ({ method: 'GET', path: `/api/dashboard/status?${q}`, headers: { ...h, 'x-functions-key': fnKey() } }))],
      [
        'GET /api/dashboard/assets/{name}',
        () => fc.tuple(fc.oneof(fc.constantFrom('dashboard.js', 'dashboard.css', 'chart.umd.js', 'chart.js', '..', '.env', 'host-keys.json', '..%2f..%2fhost-keys.json', '%2e%2e%2fpackage.json', '..%5c..%5cpackage.json'), nastyString.filter((s) => s !== '').map(encodeLoose)), anyQuery, extraHeaders)
          .map(([name, q, h]) => ({ method: 'GET', path: `/api/dashboard/assets/${name}?${q}`, headers: h })),
      ],
      ['GET /api/health', () => fc.tuple(anyQuery, extraHeaders).map(([q, h]) => ({ method: 'GET', path: `/api/health?${q}`, headers: h }))],
    ];

    for (const [name, request] of endpoints.filter(([n]) => parts.some((p) => n === p))) {
      it(`${name}: ${CASES} hostile requests`, async () => {
        const tally = await fuzzEndpoint(rt.url, request(), {
          numRuns: CASES,
          seed: 12,
          concurrency: 8,
          extraCheck: (spec, answer) => {
            if (name.includes('assets') && answer.status === 200 && !assetBodies.has(answer.text) && answer.text !== publicPage) return `the asset route served something else for ${spec.path}`;
            if (name.includes('health') && answer.status !== 200 && answer.status !== 431) return `health answered ${answer.status} with every dependency up`;
            return undefined;
          },
        });
        console.log(summarize(name, tally));
        expect(tally.problems, name).toEqual([]);
        expect(tally.statuses[200], name).toBeGreaterThan(500);
        // Status and health probe every service per request: 2-4 min on 2 shared, busy cores.
      }, 300_000);
    }

    it('the host logged no failed invocation', () => {
      expect(rt.log.lines.filter((l) => /Executed '.*' \(Failed|HTTP host error|Unhandled/.test(l))).toEqual([]);
    });
  });
}
