// The contract derived from logged decisions, the rows built from them (soft labels included),
// and the split by time.
import { describe, expect, it } from 'vitest';
import { buildFeatureRow } from '../../../src/features/featureBuilder';
import { columnNames } from '../../../src/features/featureContract';
import { flattenFeatures } from '../../../src/features/flattenFeatures';
import type { LoggedDecision } from '../../../src/events/learningEvents';
import { deriveFeatureContract } from '../../../src/training/offers/deriveFeatureContract';
import type { JoinedDecision } from '../../../src/training/offers/rewardJoin';
import { splitByTime } from '../../../src/training/offers/timeSplit';
import { TrainingDataError } from '../../../src/training/trainingDataError';
import { chosenActionRows, decisionActionMatrix } from '../../../src/training/offers/trainingRows';

const T0 = Date.UTC(2026, 10, 1);

function decision(i: number, opts: { profile?: boolean; device?: string } = {}): LoggedDecision {
  return {
    eventId: `e${i}`,
    issuedAtMs: T0 + i * 1000,
    contextFeatures: [{ device: opts.device ?? ['mobile', 'desktop'][i % 2], 'page path': `/p/${i}` }, { userId: `u${i}`, vip: i % 3 === 0 }],
    actions: [
      { id: 'a', features: [{ category: 'shoes', price: 10 + i, productId: 'p-1' }], prior: 0.3, probability: 0.9, excluded: false, score: null },
      { id: 'b', features: [{ category: 'bags', price: 20, productId: 'p-2' }], prior: 0.1, probability: 0.1, excluded: false, score: null },
    ],
    rewardActionId: i % 2 === 0 ? 'a' : 'b',
    chosen: i % 2,
    activated: true,
    profile: opts.profile
      ? { events: 4, purchases: 1, totalRevenue: 20, counts: { page_view: 4 }, firstSeenMs: T0 - 86_400_000, lastSeenMs: T0 - 3_600_000, categoryAffinity: { shoes: 2 }, recentProducts: ['p-1'] }
      : null,
    reward: { waitSeconds: 600, defaultReward: 0, aggregation: 'earliest', min: 0, max: 1 },
    model: null,
  };
}

describe('derived feature contract', () => {
  it('encodes each key by its majority type, skips userId and rare keys, adds profile features only with profiles', () => {
    const decisions = Array.from({ length: 40 }, (_, i) => decision(i, { profile: i % 4 === 0 }));
    const contract = deriveFeatureContract(decisions, { maxVocabulary: 8, hashBuckets: 4 });
    const byName = new Map(contract.features.map((f) => [f.name, f]));
    expect(byName.get('ctx.device')).toEqual({ name: 'ctx.device', source: 'context', key: 'device', encoding: { type: 'onehot', vocabulary: ['desktop', 'mobile'] } });
    expect(byName.get('ctx.page_path')).toEqual({ name: 'ctx.page_path', source: 'context', key: 'page path', encoding: { type: 'hash', buckets: 4 } });
    expect(byName.get('ctx.vip')).toMatchObject({ encoding: { type: 'boolean' } });
    expect(byName.get('act.price')).toMatchObject({ encoding: { type: 'numeric' } });
    expect(byName.get('act.category')).toMatchObject({ encoding: { type: 'onehot', vocabulary: ['bags', 'shoes'] } });
    expect([...byName.keys()].some((n) => n.includes('userId'))).toBe(false);
    expect(byName.get('affinity.category')).toMatchObject({ source: 'profileAction', field: 'categoryAffinity', actionKey: 'category' });
    expect(byName.get('recent.productId')).toMatchObject({ source: 'profileAction', field: 'recentProduct', actionKey: 'productId' });
    expect(byName.get('profile.count.page_view')).toMatchObject({ source: 'profile', field: 'count.page_view' });
    expect(contract.features.at(-1)).toEqual({ name: 'prior', source: 'prior' });

    const noProfiles = deriveFeatureContract(Array.from({ length: 40 }, (_, i) => decision(i)));
    expect(noProfiles.features.filter((f) => f.source === 'profile' || f.source === 'profileAction')).toEqual([]);
    const rare = deriveFeatureContract([decision(1), decision(2)]);
    expect(rare.features).toEqual([{ name: 'prior', source: 'prior' }]);
  });
});

describe('training rows', () => {
  const contract = deriveFeatureContract(Array.from({ length: 20 }, (_, i) => decision(i, { profile: true })));
  const joined = (i: number, reward: number): JoinedDecision => ({ decision: decision(i, { profile: true }), reward, rewardCount: reward > 0 ? 1 : 0 });

  it('are the scorer builder’s rows of the chosen action; soft labels become two weighted rows', () => {
    const examples = [joined(0, 1), joined(1, 0), joined(2, 0.25)];
    const rows = chosenActionRows(examples, contract);
    expect(rows.nRows).toBe(4);
    expect(Array.from(rows.labels)).toEqual([1, 0, 1, 0]);
    expect(Array.from(rows.weights!)).toEqual([1, 1, 0.25, 0.75]);
    expect(Array.from(rows.decisionOfRow)).toEqual([0, 1, 2, 2]);
    expect(rows.featureNames).toEqual(columnNames(contract));
    const w = rows.nFeatures;
    examples.forEach((ex, i) => {
      const d = ex.decision;
      const a = d.actions[d.chosen];
      const expected = buildFeatureRow({ context: flattenFeatures(d.contextFeatures), action: flattenFeatures(a.features), profile: d.profile ?? undefined, prior: a.prior, nowMs: d.issuedAtMs }, contract);
      const row = i === 2 ? [2, 3] : [i];
      for (const r of row) expect(Array.from(rows.features.subarray(r * w, (r + 1) * w))).toEqual(Array.from(expected));
    });
    const all = decisionActionMatrix(examples[0].decision, contract);
    expect(all.length).toBe(2 * w);
    expect(Array.from(all.subarray(0, w))).toEqual(Array.from(rows.features.subarray(0, w)));
    expect(chosenActionRows([joined(0, 1), joined(1, 0)], contract).weights).toBeUndefined();
  });

  it('split by issue time, keeping equal times on one side', () => {
    const list = [0, 1, 2, 3, 3, 3, 4, 5, 6, 7].map((t, i) => ({ decision: { issuedAtMs: t }, i }));
    const split = splitByTime(list, 0.6);
    expect(split.train.map((x) => x.i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(split.cutoffMs).toBe(4);
    expect(() => splitByTime([{ decision: { issuedAtMs: 1 } }, { decision: { issuedAtMs: 1 } }], 0.5)).toThrow(TrainingDataError);
  });
});
