import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { readSettings, SettingsError } from '../../src/config/settings';
import { ALL_APP_SETTING_NAMES } from '../../src/config/allSettings';

const sample = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'local.settings.sample.json'), 'utf8')) as {
  Values: Record<string, string>;
  _documentation: Record<string, string>;
};

describe('settings', () => {
  it('local.settings.sample.json documents every setting the code reads', () => {
    const text = JSON.stringify(sample);
    const undocumented = ALL_APP_SETTING_NAMES.filter((name) => {
      if (name in sample.Values) return false;
      // Identity-based variants (X__accountEndpoint, …) and families (RankingPriors*) are described in prose.
      const family = Object.keys(sample._documentation).some((k) => k.endsWith('*') && name.startsWith(k.slice(0, -1)));
      return !family && !text.includes(name.replace(/__(clientId|credential)$/, '')) && !text.includes(name);
    });
    expect(undocumented).toEqual([]);
  });

  it('reads defaults and refuses bad values with the setting named', () => {
    const s = readSettings({});
    expect(s.aggregationWindowsMinutes).toEqual([60, 1440]);
    expect(s.maxEventsPerRequest).toBe(500);
    expect(() => readSettings({ MaxEventsPerRequest: 'lots' })).toThrow(SettingsError);
    expect(() => readSettings({ MaxEventsPerRequest: 'lots' })).toThrow(/MaxEventsPerRequest/);
    expect(() => readSettings({ AggregationWindowsMinutes: '7' })).toThrow(/AggregationWindowsMinutes/);
    expect(readSettings({ AggregationWindowsMinutes: '1440, 60, 60' }).aggregationWindowsMinutes).toEqual([60, 1440]);
  });
});

describe('recommendation rewards from tracked events', () => {
  it('defaults each to 1 within the reward range and refuses values outside it, naming the setting', async () => {
    const { readRankingSettings } = await import('../../src/config/rankingSettings');
    expect(readRankingSettings({}).trackedRewards).toEqual({ product_view: 1, add_to_cart: 1, purchase: 1 });
    expect(readRankingSettings({ RankingRewardMax: '0.5' }).trackedRewards.product_view).toBe(0.5);
    expect(readRankingSettings({ RankingRewardMin: '2', RankingRewardMax: '10', RankingDefaultReward: '2', RecommendationPurchaseReward: '10' }).trackedRewards)
      .toEqual({ product_view: 2, add_to_cart: 2, purchase: 10 });
    expect(() => readRankingSettings({ RecommendationClickReward: '2' })).toThrow(/RecommendationClickReward \(2\) must lie between/);
    expect(() => readRankingSettings({ RecommendationCartReward: 'x' })).toThrow(/RecommendationCartReward/);
  });
});

describe('secrets from Key Vault references', () => {
  it('never takes an unresolved Key Vault reference as a key, and answers 503 naming the setting', async () => {
    const { readRankingSettings } = await import('../../src/config/rankingSettings');
    const ref = '@Microsoft.KeyVault(VaultName=kv-x;SecretName=PersonalizerApiKeys)';
    expect(() => readRankingSettings({ PersonalizerApiKeys: ref })).toThrow(/PersonalizerApiKeys is an unresolved Key Vault reference/);

    const { withRankingServices } = await import('../../src/ranking/http/withRankingServices');
    const { appServices, closeAppServices } = await import('../../src/app/appServices');
    const before = process.env.PersonalizerApiKeys;
    process.env.PersonalizerApiKeys = ref;
    await closeAppServices();
    try {
      const logged: string[] = [];
      const res = await withRankingServices(() => appServices().ranking(), () => ({ status: 200 }), (m) => logged.push(m));
      expect(res.status).toBe(503);
      expect(JSON.stringify(res.jsonBody)).toMatch(/PersonalizerApiKeys/);
      expect(logged.join()).toMatch(/unresolved Key Vault reference/);
    } finally {
      if (before === undefined) delete process.env.PersonalizerApiKeys;
      else process.env.PersonalizerApiKeys = before;
      await closeAppServices();
    }
  });
});
