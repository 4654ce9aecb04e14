// The dashboard page, its static assets and its status data, served by the local Functions host
// from functions/dashboard.ts, over the Cosmos DB stand-in and Azurite.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP } from '../../src/dashboard/dashboardPage';
import { handleStatusRequest } from '../../src/dashboard/statusEndpoint';
import { CAMPAIGN_PLANS_CONTAINER } from '../../src/dashboard/campaignPlanSummary';
import type { HttpHost } from '../../tools/local/host/httpHost';
import { serveDashboardFunctions, startStores, TEST_KEYS, type Stores } from './dashboardTestKit';
import { seedCampaignPlans, seedModelRegistry } from './registrySeed';
import type { PlanDocument } from '../../src/campaign/plan/planDocuments';

let stores: Stores;
let host: HttpHost;
let served: Awaited<ReturnType<typeof serveDashboardFunctions>>;
let seededPlans: PlanDocument[];

const withKey = { headers: { 'x-functions-key': TEST_KEYS.functionKey } };

beforeAll(async () => {
  stores = await startStores(true);
  await seedModelRegistry(stores.blobs!.connectionString, 'models-seeded');
  seededPlans = await seedCampaignPlans(stores.client, 'shop');
  served = await serveDashboardFunctions(stores);
  host = served.host;
  await served.configure({
    CosmosDB: stores.cosmos.connectionString,
    ArchiveStorage: stores.blobs!.connectionString,
    CosmosDatabaseName: 'shop',
    ModelsContainer: 'models-seeded',
    AggregationWindowsMinutes: '5,60,1440',
  });
}, 60_000);

afterAll(async () => {
  await host?.close();
  await stores?.stop();
});

async function page(): Promise<{ res: Response; html: string }> {
  const res = await fetch(`${host.url}/api/dashboard`); // anonymous: the page holds no data
  return { res, html: await res.text() };
}

describe('GET /api/dashboard', () => {
  it('serves the page with a strict policy, only same-origin scripts and the configured windows', async () => {
    const { res, html } = await page();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).not.toMatch(/unsafe|https?:|\*/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(html).toContain('data-windows="5,60,1440"');
    expect(html).toContain('data-api-base="/api/"');
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts).toHaveLength(2);
    for (const tag of scripts) expect(tag).toMatch(/src="\/api\/dashboard\/assets\/[\w.]+\?v=[\w-]{16}"/);
    expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
    expect(html).not.toMatch(/\sstyle=|\son\w+=/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves the page without a key, and its data only with one', async () => {
    expect((await fetch(`${host.url}/api/dashboard`)).status).toBe(200);
    expect((await fetch(`${host.url}/api/dashboard/status`)).status).toBe(401);
    expect((await fetch(`${host.url}/api/dashboard/status`, { headers: { 'x-functions-key': TEST_KEYS.functionKey } })).status).toBe(200);
  });
});

describe('GET /api/dashboard/assets/{name}', () => {
  it('serves Chart.js from node_modules and the page script, cacheable for good under their hash', async () => {
    const { html } = await page();
    const chartUrl = /src="([^"]*chart\.umd\.min\.js\?v=[^"]+)"/.exec(html)![1];
    const res = await fetch(`${host.url}${chartUrl}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = Buffer.from(await res.arrayBuffer());
    const onDisk = fs.readFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
    expect(body.equals(onDisk)).toBe(true);

    const etag = res.headers.get('etag')!;
    const again = await fetch(`${host.url}${chartUrl}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const unversioned = await fetch(`${host.url}/api/dashboard/assets/dashboard.js`);
    expect(unversioned.status).toBe(200);
    expect(unversioned.headers.get('cache-control')).toBe('no-cache');
    expect(await unversioned.text()).toContain("'use strict'");
    const css = await fetch(`${host.url}/api/dashboard/assets/dashboard.css?v=stale`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves nothing else', async () => {
    for (const name of ['package.json', '..%2F..%2Fpackage.json', 'dashboard.ts', 'chart.js']) {
      const res = await fetch(`${host.url}/api/dashboard/assets/${name}`);
      expect(res.status, name).toBe(404);
    }
  });
});

describe('GET /api/dashboard/status', () => {
  it('summarizes the current model of each registry folder, its metrics and off-policy estimates', async () => {
    const res = await fetch(`${host.url}/api/dashboard/status`, withKey);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { models: { items: Record<string, unknown>[]; error?: string }; windowsMinutes: number[] };
    expect(body.windowsMinutes).toEqual([5, 60, 1440]);
    expect(body.models.error).toBeUndefined();
    const byName = Object.fromEntries(body.models.items.map((m) => [m.name, m]));
    expect(Object.keys(byName)).toEqual(['draft', 'ranker', 'scorer']);
    expect(byName.ranker).toMatchObject({
      version: 'v3',
      publishedAt: '2025-03-05T06:05:00Z',
      metrics: { auc: 0.734, logLoss: 0.412, trainingEvents: 182340, 'features.count': 42 },
      offPolicy: [
        { estimator: 'IPS', policy: 'v3', value: 0.0812, lower: 0.074, upper: 0.088, samples: 50000 },
        { estimator: 'SNIPS', policy: 'v3', value: 0.0795, lower: 0.075, upper: 0.084 },
        { estimator: 'DR', policy: 'v3', value: 0.0801 },
      ],
    });
    expect(byName.scorer).toMatchObject({
      version: '2025-03-01',
      metrics: { rmse: 1.9 },
      offPolicy: [{ estimator: 'ips', value: 0.051 }, { estimator: 'dm', value: 0.049, lower: 0.04, upper: 0.058 }],
    });
    expect(byName.draft).toMatchObject({ version: 'v1', metrics: {}, offPolicy: [], problem: 'draft/v1/manifest.json is missing' });
  });

  it('lists the most recently updated campaign plans with a short summary', async () => {
    const res = await fetch(`${host.url}/api/dashboard/status`, withKey);
    const body = (await res.json()) as { campaignPlans: { items: Record<string, unknown>[] } };
    // The plans the real plan job wrote, newest first; not the campaign definitions, lead or
    // combination documents beside them in the container.
    expect(body.campaignPlans.items).toEqual([...seededPlans].reverse().map((p) => ({
      campaignId: p.campaignId, name: p.name, status: 'completed', updatedAt: p.updatedAt,
      highlights: {
        modelVersion: 'v-seed', leads: 150, contactedLeads: p.contactedLeads, expectedConversions: p.expectedConversions, expectedProfit: p.expectedProfit,
        expectedRoi: p.expectedRoi, oneBestExpectedRoi: p.oneBestExpectedRoi, randomExpectedRoi: p.randomExpectedRoi, optimalityGap: p.optimalityGap,
      },
    })));
    for (const p of seededPlans) expect(p.expectedProfit).toBeGreaterThan(p.oneBestExpectedProfit);
  });

  it('is empty, not failing, on a new system', async () => {
    await served.configure({ CosmosDatabaseName: 'new-system', ModelsContainer: 'models-never-created' });
    try {
      const res = await fetch(`${host.url}/api/dashboard/status`, withKey);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body.models).toEqual({ items: [] });
      expect(body.campaignPlans).toEqual({ items: [] });
    } finally {
      await served.configure({ CosmosDatabaseName: 'shop', ModelsContainer: 'models-seeded' });
    }
  });

  it('reports a part it cannot read and still shows the others', async () => {
    const logged: string[] = [];
    const res = await handleStatusRequest({
      models: () => { throw new Error('registry unreachable'); },
      campaignPlans: () => stores.client.database('shop').container(CAMPAIGN_PLANS_CONTAINER),
      windowsMinutes: [60],
      log: (m) => logged.push(m),
    });
    const body = res.jsonBody as { models: { items: unknown[]; error?: string }; campaignPlans: { items: unknown[] } };
    expect(res.status).toBe(200);
    expect(body.models).toEqual({ items: [], error: 'model registry could not be read' });
    expect(body.campaignPlans.items).toHaveLength(3);
    expect(logged.join('\n')).toContain('registry unreachable');
  });
});
