// The template-format generator: files the template reader accepts as they are, the same for the
// same seed, with the sample's shape (4–6 communications per lead, ~10 % of leads converting once
// on their last one, days 2–4 best, ~1 % of household sizes missing).
import { describe, expect, it } from 'vitest';
import { readTemplateFiles, type TemplateFileTexts } from '../../../src/campaign/template/readTemplateFiles';
import type { TemplateTable } from '../../../src/campaign/template/templateTables';
import { generateTemplateData } from '../../../tools/synthetic/campaign/templateData';

function generate(leads: number, seed: number): { texts: TemplateFileTexts; stats: ReturnType<typeof generateTemplateData> } {
  const parts: Record<TemplateTable, string[]> = { campaigns: [], products: [], leads: [], touches: [] };
  const stats = generateTemplateData({ leads, seed }, (table, chunk) => parts[table].push(chunk));
  return { texts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v.join('')])), stats };
}

describe('generateTemplateData', () => {
  const { texts, stats } = generate(12_000, 4);
  const { data, summary } = readTemplateFiles(texts);

  it('writes files the template import reads as they are', () => {
    expect(data.leads).toHaveLength(12_000);
    expect(data.campaigns).toHaveLength(6);
    expect(data.touches).toHaveLength(stats.touches);
    expect(data.leads[0].leadId).toBe('ID-00000001');
    expect(texts.products).toContain('1e+05');
    const missing = summary.imputed.find((i) => i.column === 'Household_Size')!.rows;
    expect(missing / 12_000).toBeGreaterThan(0.005);
    expect(missing / 12_000).toBeLessThan(0.02);
  });

  it('has the sample\'s shape', () => {
    const perLead = new Map<string, typeof data.touches>();
    for (const t of data.touches) perLead.set(t.leadId, [...(perLead.get(t.leadId) ?? []), t]);
    const counts = [...perLead.values()].map((ts) => ts.length);
    expect(Math.min(...counts)).toBe(4);
    expect(Math.max(...counts)).toBe(6);
    let convertingLeads = 0;
    const byDay = Array.from({ length: 7 }, () => ({ n: 0, converted: 0 }));
    for (const ts of perLead.values()) {
      const conversions = ts.filter((t) => t.converted);
      expect(conversions.length).toBeLessThanOrEqual(1);
      if (conversions.length === 1) {
        convertingLeads++;
        expect(conversions[0]).toBe(ts[ts.length - 1]);
      }
      const last = ts[ts.length - 1];
      byDay[last.day].n++;
      byDay[last.day].converted += last.converted ? 1 : 0;
    }
    expect(convertingLeads / 12_000).toBeGreaterThan(0.08);
    expect(convertingLeads / 12_000).toBeLessThan(0.13);
    const rate = byDay.map((d) => d.converted / d.n);
    // Days 2–4 (tue–thu) convert best, each several-fold the weekend's.
    for (const best of [1, 2, 3]) for (const other of [0, 4, 5, 6]) expect(rate[best]).toBeGreaterThan(rate[other]);
    expect(rate[3]).toBeGreaterThan(3 * rate[6]);
  });

  it('is the same for the same seed and differs for another', () => {
    expect(generate(500, 4).texts).toEqual(generate(500, 4).texts);
    expect(generate(500, 5).texts.touches).not.toEqual(generate(500, 4).texts.touches);
  });
});
