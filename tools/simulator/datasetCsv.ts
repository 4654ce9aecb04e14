// The offline log as a labelled CSV: one row per (decision, action) with the context, the action's
// features, the profile features the ranker would compute (affinity and share of the action's
// category, with the serving feature builder), the logging policy's probability, whether the
// action was shown and clicked, and its TRUE click probability.
import { buildFeatureRow } from '../../src/features/featureBuilder';
import type { FeatureContract } from '../../src/features/featureContract';
import { flattenFeatures } from '../../src/features/flattenFeatures';
import type { OfflineDecision } from './offlineLog';

export const CSV_COLUMNS = [
  'decision_id', 'issued_at', 'user_id', 'user_segment', 'new_user', 'cold_start', 'device', 'time_of_day', 'hour', 'page_type', 'page_category',
  'channel', 'offer_id', 'offer_category', 'price', 'discount', 'tags', 'profile_events', 'category_affinity', 'category_share', 'prior',
  'probability', 'shown', 'clicked', 'true_click_probability',
] as const;

const PROFILE_CONTRACT: FeatureContract = {
  version: 1,
  features: [
    { name: 'affinity', source: 'profileAction', field: 'categoryAffinity', actionKey: 'category' },
    { name: 'share', source: 'profileAction', field: 'categoryShare', actionKey: 'category' },
  ],
};

function field(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;

export function* csvLines(decisions: Iterable<OfflineDecision>): Generator<string> {
  yield `${CSV_COLUMNS.join(',')}\n`;
  for (const d of decisions) {
    const r = d.record;
    const context = flattenFeatures(r.contextFeatures);
    const profile = r.profile ?? undefined;
    for (let i = 0; i < r.actions.length; i++) {
      const a = r.actions[i];
      const f = flattenFeatures(a.features);
      const [affinity, share] = buildFeatureRow({ context, action: f, profile, prior: a.prior, nowMs: r.issuedAtMs }, PROFILE_CONTRACT);
      const tags = [...f.keys()].filter((k) => k.startsWith('tags.')).map((k) => k.slice(5)).join(' ');
      const values = [
        r.eventId, new Date(r.issuedAtMs).toISOString(), d.user.id, d.user.segment, d.user.isNew, d.coldStart,
        d.context.device, d.context.timeOfDay, d.context.hour, d.context.pageType, d.context.pageCategory, d.context.channel,
        a.id, f.get('category') as string, f.get('price') as number, f.get('discount') as number, tags,
        profile?.events ?? 0, round(affinity), round(share), round(a.prior), round(a.probability),
        i === d.chosen, i === d.chosen ? d.clicked : undefined, round(d.trueProbabilities[i]),
      ];
      yield `${values.map(field).join(',')}\n`;
    }
  }
}
