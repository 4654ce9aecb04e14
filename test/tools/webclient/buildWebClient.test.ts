// The browser library's build: its event types match the server's rules (and a drift is caught),
// the bundles are within the size budget, and the script-tag build exposes the API.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { bundleWebClient, eventTypesDrift, ROOT, SIZE_BUDGET_BYTES } from '../../../tools/webclient/buildWebClient';
import { eventTypesSource, GENERATED_PATH } from '../../../tools/webclient/eventTypes';

describe('generated event types', () => {
  it('match the server: the committed file is what the generator writes from src/events', () => {
    expect(eventTypesDrift()).toBeUndefined();
    const source = eventTypesSource();
    expect(source).toContain('add_to_cart: { productId: string; };');
    // Server-to-server types (confirmed purchases, campaign touches) are not the browser's.
    expect(source).not.toContain('purchase');
    expect(source).not.toContain('campaign_touch');
  });

  it('report a drift with the line and the command that fixes it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtypes-'));
    fs.mkdirSync(path.join(dir, path.dirname(GENERATED_PATH)), { recursive: true });
    const stale = fs.readFileSync(path.join(ROOT, GENERATED_PATH), 'utf8').replace('"offer_click"', '"offer_tap"');
    fs.writeFileSync(path.join(dir, GENERATED_PATH), stale);
    expect(eventTypesDrift(dir)).toMatch(/line 5: expected .*offer_click.*run npm run web:types/);
  });
});

describe('bundles', () => {
  it('are within the size budget and the script tag exposes Personalization.create', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'webclient-'));
    const built = await bundleWebClient(out);
    for (const b of built) expect(b.gzipBytes).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
    const script = fs.readFileSync(path.join(out, 'personalization.min.js'), 'utf8');
    const sandbox: Record<string, unknown> = { crypto: globalThis.crypto };
    sandbox.window = sandbox;
    vm.runInNewContext(script, sandbox);
    const api = sandbox.Personalization as { create: (o: object) => { track: (t: string, f: object) => unknown; anonymousId: string | undefined } };
    const tracker = api.create({ endpoint: 'https://fn.example', transport: { post: async () => ({ status: 202 }), get: async () => ({ status: 200 }) } });
    expect(tracker.track('page_view', {})).toBeUndefined(); // no consent yet
    const esm = fs.readFileSync(path.join(out, 'personalization.esm.js'), 'utf8');
    expect(esm).toMatch(/export\s*\{/);
    // No third-party request: the only URLs are the ones the page configures.
    expect(script).not.toMatch(/https?:\/\//);
  });
});
