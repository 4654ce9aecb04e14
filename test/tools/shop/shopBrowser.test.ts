// The demo shop in headless Chromium against the whole local system: a scripted shopper accepts
// consent, clicks a recommended product, adds it to the cart, clicks the ranked offer, signs in
// and buys; the shop's backend confirms the checkout and posts the purchase to the keyed route
// (the browser route refuses purchases). Then the events are found in the archive (with the
// signed user on the purchase), the aggregates and the dashboard API, and the rewards joined to
// their decisions. Then the network is cut in the browser and restored: the events tracked
// meanwhile arrive, none lost or doubled. Last, an answer is lost after the server stored the
// batch: the library sends it again with the same ids, the archive keeps both copies and the
// aggregates count the event once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BlobServiceClient } from '@azure/storage-blob';
import { readArchive } from '../../../src/archive';
import { appServices } from '../../../src/app/appServices';
import { createCosmosClient } from '../../../src/clients/cosmosClients';
import type { TrackedEvent } from '../../../src/events/eventSchema';
import { catalogFromHistory } from '../../../src/products/catalog/catalogFromHistory';
import { importHistory } from '../../../src/products/history/importHistory';
import { readHistory } from '../../../src/products/history/readHistory';
import { runProductTraining } from '../../../src/training/products/runProductTraining';
import { startLocalRuntime, type LocalRuntime } from '../../../tools/local/localRuntime';
import { silentLogger } from '../../../tools/local/host/hostLogger';
import { launchChromium, type LaunchedChromium } from '../../dashboard/chromium';

// A slice of ../shared/datasets/online-retail (the products tests' fixture): the real catalog's products and purchases.
const SAMPLE = path.resolve(__dirname, '..', '..', 'products', 'fixtures', 'online-retail-sample.csv');
const appRoot = path.resolve(__dirname, '..', '..', '..');

// What the page's functions (page.evaluate, waitForFunction) use there; tests compile without the DOM library.
declare const window: unknown;
declare const localStorage: { getItem(key: string): string | null };
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

async function archived(runtime: LocalRuntime): Promise<TrackedEvent[]> {
  const container = BlobServiceClient.fromConnectionString(runtime.env.ArchiveStorage).getContainerClient('archive');
  const out: TrackedEvent[] = [];
  for await (const e of readArchive(container)) out.push(JSON.parse(e.body.toString('utf8')) as TrackedEvent);
  return out;
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last = await read();
  while (!ok(last) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 500));
    last = await read();
  }
  return last;
}

describe('demo shop in Chromium', () => {
  let runtime: LocalRuntime;
  let chromium: LaunchedChromium;
  let page: Page;
  let anonymousId: string;

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-'));
    runtime = await startLocalRuntime({
      appRoot, dataDir, logger: silentLogger, eventHubPartitions: 2, demoShop: true,
      ports: { http: 0, blob: 0, cosmos: 0, eventHubs: 0 },
      overrides: { UnverifiedUserIds: 'anonymous', ProductModelPollSeconds: '1', ProductCatalogCacheSeconds: '1', CatalogCacheSeconds: '1' },
    });
    const blobs = BlobServiceClient.fromConnectionString(runtime.env.ArchiveStorage);
    const archive = blobs.getContainerClient('archive');
    await archive.createIfNotExists();
    await importHistory(SAMPLE, archive, { source: 'online-retail sample' });
    await appServices().products().store.putAll(catalogFromHistory((await readHistory(SAMPLE)).lines));
    await runProductTraining({ archive: { container: archive }, registry: blobs.getContainerClient('models'), now: () => new Date() });
    for (const [id, title] of [['spring-sale', 'Spring sale: 20% off'], ['free-shipping', 'Free shipping today']]) {
      const res = await fetch(`${runtime.url}/api/manage/offers/${id}`, {
        method: 'PUT', headers: { 'content-type': 'application/json', 'x-catalog-key': runtime.env.CatalogApiKeys.split(',')[0] },
        body: JSON.stringify({ id, title, category: 'promo', price: 0, active: true }),
      });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
    }
    await eventually(() => fetch(`${runtime.url}/api/recommendations?n=3`).then((r) => r.json() as Promise<{ items: unknown[] }>), (b) => b.items?.length > 0);
    chromium = await launchChromium();
    page = await chromium.context.newPage();
  }, 240_000);

  afterAll(async () => {
    await chromium?.close();
    await runtime?.close();
  });

  it('browses, clicks a recommendation and an offer, signs in and buys; every step is stored, counted and rewarded', async () => {
    const shop = `${runtime.url}/shop/`;
    await page.goto(shop);
    // Nothing is sent or stored before consent.
    expect(await page.evaluate(() => Object.keys(localStorage as object).filter((k) => k.startsWith('pz.')))).toEqual([]);
    await page.click('#accept');
    await page.waitForSelector('#recommended a.product');
    anonymousId = await page.evaluate(() => (window as unknown as { pz: { anonymousId: string } }).pz.anonymousId);
    expect(anonymousId).toMatch(/^anon-/);

    const first = page.locator('#recommended a.product').first();
    const productId = (await first.getAttribute('data-id'))!;
    const recommendation = (await first.getAttribute('data-event'))!;
    expect(recommendation).not.toBe('');
    await first.click();
    await page.waitForSelector('#add');
    await page.click('#add');
    await page.goto(`${shop}#/`);
    await page.waitForSelector('#offer');
    const offerId = (await page.getAttribute('#offer', 'data-id'))!;
    await page.click('#offer');
    await page.fill('#sign-in input[name=userId]', 'shopper-7');
    await page.click('#sign-in button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#who')?.textContent === 'signed in as shopper-7');
    await page.goto(`${shop}#/cart`);
    await page.click('#checkout');
    await page.waitForSelector('#thanks');

    const mine = (e: TrackedEvent) => e.anonymousId === anonymousId;
    const events = await eventually(() => archived(runtime), (all) => all.some((e) => mine(e) && e.type === 'purchase') && all.filter((e) => e.type === 'reward' && mine(e)).length >= 4);
    const own = events.filter((e) => mine(e) && e.type !== 'reward' && e.type !== 'decision');
    expect(new Set(own.map((e) => e.id)).size).toBe(own.length); // nothing doubled
    const click = own.find((e) => e.type === 'product_view' && e.productId === productId)!;
    expect(click.decisionId).toBe(recommendation);
    expect(own.find((e) => e.type === 'add_to_cart')).toMatchObject({ productId, decisionId: recommendation });
    const offerClick = own.find((e) => e.type === 'offer_click')!;
    expect(offerClick.offerId).toBe(offerId);
    expect(own.some((e) => e.type === 'offer_view' && e.offerId === offerId)).toBe(true);
    const purchase = own.find((e) => e.type === 'purchase')!;
    expect(purchase).toMatchObject({ productId, userId: 'shopper-7', decisionId: recommendation, currency: 'GBP' });
    expect(own.some((e) => 'userToken' in e)).toBe(false);
    // The page itself cannot post a purchase: the browser route refuses the type, naming it.
    const forged = await page.evaluate(async (anon) => {
      const res = await fetch('/api/events', { method: 'POST', body: JSON.stringify({ id: 'forged-1', type: 'purchase', anonymousId: anon, productId: '85123A', value: 1 }) });
      return { status: res.status, body: await res.text() };
    }, anonymousId);
    expect(forged.status).toBe(400);
    expect(forged.body).toContain('purchase is sent by servers: use POST /api/events/server');

    // Rewards joined to their decisions: the recommendation's (click, cart, purchase) and the ranking's (the offer click).
    const rewards = events.filter((e) => e.type === 'reward' && mine(e));
    const causes = rewards.map((r) => [(r.decision as { eventId: string }).eventId, (r.decision as { cause: { type: string } }).cause.type]);
    expect(causes).toEqual(expect.arrayContaining([[recommendation, 'product_view'], [recommendation, 'add_to_cart'], [offerClick.decisionId, 'offer_click']]));
    expect(rewards.some((r) => (r.decision as { cause: { id: string } }).cause.id === purchase.id)).toBe(true);

    // Aggregates: the product's counters, and the same figures through the dashboard's API.
    const cosmos = createCosmosClient({ connectionString: runtime.env.CosmosDB });
    try {
      const product = await eventually(async () => {
        const { resources } = await cosmos.database('personalization').container('aggregates').items
          .query<{ purchases: number; addToCarts: number; views: number }>({ query: "SELECT * FROM c WHERE c.kind = 'product' AND c.productId = @p AND c.windowMinutes = 1440", parameters: [{ name: '@p', value: productId }] })
          .fetchAll();
        return resources[0];
      }, (d) => d !== undefined && d.purchases >= 1 && d.addToCarts >= 1);
      expect(product).toMatchObject({ purchases: 1, addToCarts: 1 });
      expect(product.views).toBeGreaterThanOrEqual(1);
    } finally {
      cosmos.dispose();
    }
    const day = new Date().toISOString().slice(0, 10);
    const api = await fetch(`${runtime.url}/api/aggregates?kind=product&window=1440&from=${day}&top=50&sort=revenue`, { headers: { 'x-functions-key': runtime.keys.functionKey } });
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toContain(productId);
    // And on the dashboard page itself: the product's row in the top products table.
    const dashboard = await chromium.context.newPage();
    await dashboard.goto(`${runtime.url}/api/dashboard#code=${runtime.keys.functionKey}`);
    await dashboard.waitForFunction((id) => [...(document.querySelector('#products-table') as unknown as { querySelectorAll(s: string): { textContent: string | null }[] }).querySelectorAll('td')].some((td) => td.textContent === id), productId, { timeout: 30_000 });
    await dashboard.close();
  });

  it('keeps events tracked offline and sends each once when the network is back', async () => {
    await page.goto(`${runtime.url}/shop/#/`);
    await page.waitForSelector('#recommended a.product');
    await chromium.context.setOffline(true);
    const ids = await page.evaluate(() => {
      const pz = (window as unknown as { pz: { track(t: string, f: object): string } }).pz;
      return [pz.track('product_view', { productId: '85123A' }), pz.track('add_to_cart', { productId: '85123A' }), pz.track('remove_from_cart', { productId: '85123A' })];
    });
    await page.waitForTimeout(2500); // flushes fail meanwhile (offline) and are retried
    const queued = await page.evaluate(() => (JSON.parse(localStorage.getItem('pz.queue') ?? '[]') as { id: string }[]).map((e) => e.id));
    expect(queued).toEqual(expect.arrayContaining(ids));
    await chromium.context.setOffline(false);
    const events = await eventually(() => archived(runtime), (all) => ids.every((id) => all.some((e) => e.id === id)));
    for (const id of ids) expect(events.filter((e) => e.id === id)).toHaveLength(1);
    await page.waitForFunction(() => (JSON.parse(localStorage.getItem('pz.queue') ?? '[]') as unknown[]).length === 0);
  });

  it('sends a batch again when its answer was lost; the aggregates count each event id once', async () => {
    const cosmos = createCosmosClient({ connectionString: runtime.env.CosmosDB });
    const profile = async () => (await cosmos.database('personalization').container('profiles').item('shopper-7', 'shopper-7').read<{ counts: Record<string, number> }>()).resource!.counts;
    try {
      await page.goto(`${runtime.url}/shop/#/`);
      await page.waitForSelector('#recommended a.product');
      // The server stores the next batch, then the connection drops before the page reads the answer.
      let lost = 0;
      await page.route('**/api/events?partial=true', async (route) => {
        if (lost++ > 0) return route.continue();
        const answer = await route.fetch();
        expect(answer.status()).toBe(202);
        await route.abort('connectionreset');
      });
      const id = await page.evaluate(() => (window as unknown as { pz: { track(t: string, f: object): string } }).pz.track('add_to_cart', { productId: '85123A' }));
      await page.waitForFunction(() => (JSON.parse(localStorage.getItem('pz.queue') ?? '[]') as unknown[]).length === 0, undefined, { timeout: 30_000 });
      await page.unroute('**/api/events?partial=true');
      expect(lost).toBeGreaterThanOrEqual(2);
      // A later event of the same user follows the copies in its hub partition: once it counts, they were processed.
      const marker = await page.evaluate(() => (window as unknown as { pz: { track(t: string, f: object): string } }).pz.track('remove_from_cart', { productId: '85123A' }));
      const events = await eventually(() => archived(runtime), (all) => all.filter((e) => e.id === id).length >= 2 && all.some((e) => e.id === marker));
      expect(events.filter((e) => e.id === id)).toHaveLength(2); // at least once: both copies reached the hub and the archive
      const distinct = (type: string) => new Set(events.filter((e) => e.userId === 'shopper-7' && e.type === type).map((e) => e.id)).size;
      const counted = await eventually(profile, (c) => c.remove_from_cart >= distinct('remove_from_cart'));
      expect(counted.remove_from_cart).toBe(distinct('remove_from_cart'));
      expect(counted.add_to_cart).toBe(distinct('add_to_cart')); // the copy counted once
    } finally {
      cosmos.dispose();
    }
  });
});
