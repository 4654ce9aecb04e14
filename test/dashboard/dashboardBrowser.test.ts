// The dashboard in a real browser: headless Chromium (./chromium.ts), driven by playwright-core, loads the page
// from the local Functions host serving the app's functions over stores filled by the real
// aggregation. Screenshots go to test-output/.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, type LaunchedChromium } from './chromium';
import type { HttpHost } from '../../tools/local/host/httpHost';
import { AggregateSeeder, serveDashboardFunctions, startStores, TEST_KEYS, type Stores } from './dashboardTestKit';
import { recentEvents } from './recentEvents';
import { seedCampaignPlans, seedModelRegistry } from './registrySeed';
import type { PlanDocument } from '../../src/campaign/plan/planDocuments';

// The page's globals, for the functions that run inside the browser (the project compiles without
// the DOM library, so the little these functions use is declared here, in this module only).
type PageElement = { id: string; dataset: Record<string, string | undefined>; textContent: string | null };
declare const document: { body: PageElement; getElementById(id: string): PageElement | null };
declare const window: object;

const OUTPUT = path.resolve(__dirname, '../../test-output');
const PANELS = ['events', 'ctr', 'products', 'heatmap', 'model', 'offpolicy', 'campaigns'];

let seededPlans: PlanDocument[];
let stores: Stores;
let host: HttpHost;
let served: Awaited<ReturnType<typeof serveDashboardFunctions>>;
let seeder: AggregateSeeder;
let chromium: LaunchedChromium;
let browser: BrowserContext;

interface Problems {
  console: string[];
  failed: string[];
}

/** Opens the dashboard and records every console error or warning, page error and failed request. */
async function openDashboard(): Promise<{ page: Page; problems: Problems }> {
  const page = await browser.newPage();
  const problems: Problems = { console: [], failed: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.console.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.failed.push(`${r.url()}: ${r.status()}`);
  });
  await page.goto(`${host.url}/api/dashboard?refresh=2#code=${TEST_KEYS.functionKey}`);
  await page.waitForFunction(() => Number(document.body.dataset.refreshes) >= 1, undefined, { timeout: 20_000 });
  return { page, problems };
}

const states = (page: Page) =>
  page.$$eval('section.panel', (sections) => Object.fromEntries(sections.map((s) => [s.id, (s as unknown as PageElement).dataset.state])));

/** Pixels of a canvas that are not transparent: proof that something was drawn. */
const paintedPixels = (page: Page, id: string) =>
  page.$eval(`#${id}`, (canvas) => {
    const c = canvas as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });

beforeAll(async () => {
  fs.mkdirSync(OUTPUT, { recursive: true });
  stores = await startStores(true);
  seeder = new AggregateSeeder(stores.client, 'shop');
  await seeder.add(recentEvents({ count: 1200, seed: 11, endMs: Date.now() }));
  await seedModelRegistry(stores.blobs!.connectionString, 'models');
  seededPlans = await seedCampaignPlans(stores.client, 'shop');
  served = await serveDashboardFunctions(stores);
  host = served.host;
  await served.configure({ CosmosDB: stores.cosmos.connectionString, ArchiveStorage: stores.blobs!.connectionString, AggregationWindowsMinutes: '60,1440' });
  chromium = await launchChromium();
  browser = chromium.context;
}, 80_000);

afterAll(async () => {
  await chromium?.close();
  await host?.close();
  await stores?.stop();
});

describe('dashboard in Chromium', () => {
  it('shows empty states, and no errors, on a new system', async () => {
    await served.configure({ CosmosDatabaseName: 'new-system', ModelsContainer: 'models-empty' });
    const { page, problems } = await openDashboard();
    expect(await states(page)).toEqual(Object.fromEntries(PANELS.map((id) => [id, 'empty'])));
    for (const id of PANELS) expect(await page.isVisible(`#${id} .empty`), id).toBe(true);
    expect(await page.isVisible('#events-chart')).toBe(false);
    expect(await page.textContent('#status')).toMatch(/^Updated /);
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-empty.png'), fullPage: true });
    expect(problems).toEqual({ console: [], failed: [] });
    await page.close();
  });

  it('draws every panel from the aggregates, the model registry and the campaign plans', async () => {
    await served.configure({ CosmosDatabaseName: 'shop', ModelsContainer: 'models' });
    const { page, problems } = await openDashboard();
    expect(await states(page)).toEqual(Object.fromEntries(PANELS.map((id) => [id, 'ready'])));

    const events = await page.$eval('#events-chart', (c) => ({ ...(c as unknown as PageElement).dataset }));
    expect(Number(events.series)).toBeGreaterThanOrEqual(5);
    expect(Number(events.points)).toBeGreaterThan(50);
    expect(await paintedPixels(page, 'events-chart')).toBeGreaterThan(2000);

    const offers = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(c: unknown): { data: { datasets: { label: string; data: (number | null)[] }[] } } } })
        .Chart.getChart(document.getElementById('ctr-chart')!);
      return chart.data.datasets.map((d) => ({ label: d.label, values: d.data.filter((v) => v !== null) }));
    });
    expect(offers.map((o) => o.label).sort()).toEqual(['offer-a', 'offer-b', 'offer-c', 'offer/d']);
    for (const o of offers) for (const v of o.values) expect(v).toBeGreaterThanOrEqual(0);
    expect(await paintedPixels(page, 'ctr-chart')).toBeGreaterThan(2000);

    const productRows = await page.$$eval('#products-table tbody tr', (rows) => rows.map((r) => Array.from(r.children as unknown as ArrayLike<PageElement>, (c) => c.textContent)));
    expect(productRows.length).toBeGreaterThanOrEqual(5);
    expect(productRows.length).toBeLessThanOrEqual(10);
    expect(productRows[0][0]).toMatch(/^p-\d+$/);
    expect(await paintedPixels(page, 'products-chart')).toBeGreaterThan(500);

    const heat = await page.$eval('#heatmap-table', (t) => ({ cells: Number((t as unknown as PageElement).dataset.cells), all: t.querySelectorAll('td').length }));
    expect(heat.all).toBe(7 * 24);
    expect(heat.cells).toBeGreaterThan(20);
    await page.selectOption('#heatmap-channel', 'email');
    const emailCells = await page.$eval('#heatmap-table', (t) => Number((t as unknown as PageElement).dataset.cells));
    expect(emailCells).toBeGreaterThan(0);
    expect(emailCells).toBeLessThan(heat.cells);
    await page.selectOption('#heatmap-channel', '');

    expect(await page.textContent('#model-list')).toContain('ranker · v3');
    expect(await page.$$eval('[data-model="ranker"] table.metrics tr', (rows) => rows.length)).toBe(4);
    expect(await page.$$eval('#offpolicy-table tbody tr', (rows) => rows.length)).toBe(5);
    expect(await page.$$eval('#campaigns-table tbody tr', (rows) => rows.map((r) => r.firstElementChild!.textContent))).toEqual(
      [...seededPlans].reverse().map((p) => `${p.name} (${p.campaignId})`),
    );
    expect(await page.textContent('#campaigns-table')).toContain('expectedProfit');

    await page.screenshot({ path: path.join(OUTPUT, 'dashboard.png'), fullPage: true });
    expect(problems).toEqual({ console: [], failed: [] });
    await page.close();
  });

  it('keeps its key out of every URL: taken from the fragment, sent only as a header, kept across a reload', async () => {
    await served.configure({ CosmosDatabaseName: 'shop', ModelsContainer: 'models' });
    const page = await browser.newPage();
    const requests: { url: string; key?: string }[] = [];
    page.on('request', (r) => requests.push({ url: r.url(), key: r.headers()['x-functions-key'] }));
    await page.goto(`${host.url}/api/dashboard?refresh=2#code=${TEST_KEYS.functionKey}`);
    await page.waitForFunction(() => Number(document.body.dataset.refreshes) >= 1, undefined, { timeout: 20_000 });
    expect(page.url()).toBe(`${host.url}/api/dashboard?refresh=2`);
    await page.reload();
    await page.waitForFunction(() => Number(document.body.dataset.refreshes) >= 1, undefined, { timeout: 20_000 });
    expect(await states(page)).toEqual(Object.fromEntries(PANELS.map((id) => [id, 'ready'])));
    for (const r of requests) expect(r.url).not.toContain(TEST_KEYS.functionKey);
    const dataCalls = requests.filter((r) => /\/api\/(aggregates|dashboard\/status)/.test(r.url));
    expect(dataCalls.length).toBeGreaterThan(4);
    for (const r of dataCalls) expect(r.key, r.url).toBe(TEST_KEYS.functionKey);
    await page.close();

    // A tab opened without the key says how to open the page, and calls nothing.
    const bare = await browser.newPage();
    const calls: string[] = [];
    bare.on('request', (r) => calls.push(r.url()));
    await bare.goto(`${host.url}/api/dashboard`);
    await bare.waitForFunction(() => /needs a function key/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 10_000 });
    expect(calls.filter((u) => /\/api\/(aggregates|dashboard\/status)/.test(u))).toEqual([]);
    await bare.close();
  });

  it('picks up new aggregates on its own, without reloading the page', async () => {
    const { page, problems } = await openDashboard();
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const before = Number(await page.getAttribute('body', 'data-refreshes'));
    const now = Date.now();
    const fresh = Array.from({ length: 40 }, (_, i) => ({
      id: `fresh-${i}`,
      type: (i % 4 === 0 ? 'offer_click' : 'offer_view') as 'offer_click' | 'offer_view',
      schemaVersion: 1,
      timestamp: new Date(now - 1000 - i).toISOString(),
      receivedAt: new Date(now).toISOString(),
      userId: `fresh-user-${i % 5}`,
      offerId: 'offer-new',
    }));
    await seeder.add(fresh);
    await page.waitForFunction(() => {
      const chart = (window as unknown as { Chart: { getChart(c: unknown): { data: { datasets: { label: string }[] } } } })
        .Chart.getChart(document.getElementById('ctr-chart')!);
      return chart.data.datasets.some((d) => d.label === 'offer-new');
    }, undefined, { timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await page.waitForFunction((n) => Number(document.body.dataset.refreshes) > n, before, { timeout: 10_000 });
    expect(problems).toEqual({ console: [], failed: [] });
    await page.close();
  });
});
