import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateClientEvent } from '../../../src/events/eventValidation';
import { validateOffer } from '../../../src/ranking/catalog/offerSchema';
import { parseRankRequest } from '../../../src/ranking/rankRequest';
import { parseLoggedEvent } from '../../../src/events/learningEvents';
import { readLoggedEvents } from '../../../src/training/offers/readLoggedEvents';
import { createWorld } from '../../../tools/simulator/simWorld';
import { historyEvents } from '../../../tools/simulator/history';
import { planSession, EventIds } from '../../../tools/simulator/sessionPlan';
import { offerSlotEvents } from '../../../tools/simulator/offerEvents';
import { offerActionFeatures, offerDocument } from '../../../tools/simulator/catalog';
import { offerActionFeatures as catalogActionFeatures } from '../../../src/ranking/catalog/offerSchema';
import { offerActions, rankBody } from '../../../tools/simulator/rankBody';
import { simulateOffline } from '../../../tools/simulator/offlineLog';
import { writeArchiveFolder } from '../../../tools/simulator/archiveFolder';
import { csvLines, CSV_COLUMNS } from '../../../tools/simulator/datasetCsv';

const world = createWorld({ seed: 3, users: 120, offers: 10 });
const now = new Date();

function expectValid(events: unknown[]): void {
  for (const e of events) {
    const v = validateClientEvent(e, now);
    if (!v.ok) throw new Error(`${JSON.stringify(e)}: ${JSON.stringify(v.errors)}`);
  }
}

describe('simulator events', () => {
  it('writes history, session and offer-slot events that pass the event schema', () => {
    let n = 0;
    for (const user of world.users) {
      const history = historyEvents(user, world.catalog, world.rng, now.getTime());
      expectValid(history);
      n += history.length;
      const ids = new EventIds(world.rng.fork(`t-${user.id}`));
      const plan = planSession(user, world.catalog, world.rng.fork(`s-${user.id}`), ids, {}, () => now.toISOString());
      for (const page of plan.pages) {
        expectValid(page.events);
        n += page.events.length;
        if (page.slot) expectValid(offerSlotEvents(user, page, page.slot, world.catalog.offers[0], true, () => ids.next(), now.toISOString()));
      }
    }
    expect(n).toBeGreaterThan(1000);
    expect(world.users.filter((u) => u.isNew).every((u) => historyEvents(u, world.catalog, world.rng, now.getTime()).length === 0)).toBe(true);
  });

  it('gives event ids that do not repeat', () => {
    const ids = world.users.flatMap((u) => historyEvents(u, world.catalog, world.rng, now.getTime()).map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sends offers the catalog accepts and rank requests the ranker accepts, with the catalog’s action features', () => {
    for (const offer of world.catalog.offers) {
      const checked = validateOffer(offerDocument(offer));
      expect(checked.ok).toBe(true);
      if (checked.ok) expect(offerActionFeatures(offer)).toEqual(catalogActionFeatures(checked.offer));
    }
    const body = rankBody(world.users[0], { device: 'mobile', timeOfDay: 'night', hour: 23, pageType: 'product', pageCategory: 'toys', channel: 'app' }, offerActions(world.catalog.offers));
    const parsed = parseRankRequest(body);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.request.userId).toBe(world.users[0].id);
  });
});

describe('offline dataset', () => {
  const log = simulateOffline(world, { decisions: 400, epsilon: 0.3 });

  it('logs decisions the trainer parses, every client event valid, rewards only for clicks', () => {
    expect(log.invalidEvents).toBe(0);
    expect(log.decisions).toHaveLength(400);
    const kinds = log.events.map((e) => parseLoggedEvent(JSON.parse(JSON.stringify(e))).kind);
    expect(kinds.filter((k) => k === 'decision')).toHaveLength(400);
    expect(kinds.filter((k) => k === 'reward')).toHaveLength(log.decisions.filter((d) => d.clicked).length);
    expect(kinds.every((k) => k === 'decision' || k === 'reward')).toBe(true);
    for (const d of log.decisions) {
      const sum = d.record.actions.reduce((s, a) => s + a.probability, 0);
      expect(sum).toBeCloseTo(1, 9);
      expect(d.record.actions[d.chosen].id).toBe(d.record.rewardActionId);
    }
    expect(log.decisions.some((d) => d.coldStart)).toBe(true);
    expect(log.decisions.some((d) => d.record.profile !== null)).toBe(true);
  });

  it('is reproducible from the seed', () => {
    const again = simulateOffline(createWorld({ seed: 3, users: 120, offers: 10 }), { decisions: 400, epsilon: 0.3 });
    expect([...csvLines(again.decisions)].join('')).toBe([...csvLines(log.decisions)].join(''));
    expect(again.events.map((e) => e.id)).toEqual(log.events.map((e) => e.id));
  });

  it('writes a CSV with one row per decision and offer', () => {
    const lines = [...csvLines(log.decisions)];
    expect(lines[0].trim().split(',')).toEqual([...CSV_COLUMNS]);
    expect(lines).toHaveLength(1 + 400 * world.catalog.offers.length);
    const shown = lines.slice(1).filter((l) => l.split(',')[CSV_COLUMNS.indexOf('shown')] === '1');
    expect(shown).toHaveLength(400);
  });

  it('writes a Capture-format archive that the trainer reads back completely', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-archive-'));
    try {
      const files = writeArchiveFolder(dir, log.events);
      expect(files.length).toBeGreaterThan(0);
      const read = await readLoggedEvents({ folder: dir });
      expect(read.stats.decisions).toBe(400);
      expect(read.stats.rewards).toBe(log.decisions.filter((d) => d.clicked).length);
      expect(read.stats.malformed).toEqual({ decision: 0, reward: 0, activation: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
