// Lead attributes checked field by field (CSV rows and recommend requests use the same rules).
import { enumField, integerField, tokenField, type FieldResult } from './fieldRules';
import { INCOME_BANDS, type LeadAttributes } from './records';

export const LEAD_ATTRIBUTE_FIELDS = ['age', 'incomeBand', 'creditScore', 'householdSize', 'region'] as const;

const RULES: { [K in keyof LeadAttributes]: (raw: unknown, json: boolean) => FieldResult<LeadAttributes[K]> } = {
  age: (raw, json) => integerField(raw, 18, 120, json),
  incomeBand: (raw) => enumField(raw, INCOME_BANDS),
  creditScore: (raw, json) => integerField(raw, 300, 850, json),
  householdSize: (raw, json) => integerField(raw, 1, 20, json),
  region: (raw) => tokenField(raw),
};

export interface FieldIssue {
  field: string;
  reason: string;
}

export type LeadCheck = { ok: true; value: LeadAttributes } | { ok: false; issues: FieldIssue[] };

/** Checks every attribute; `json` accepts JSON numbers (and not numeric text) for the numbers. */
export function checkLeadAttributes(input: Record<string, unknown>, json: boolean): LeadCheck {
  const issues: FieldIssue[] = [];
  const out: Record<string, unknown> = {};
  for (const field of LEAD_ATTRIBUTE_FIELDS) {
    const result = RULES[field](input[field], json);
    if (result.ok) out[field] = result.value;
    else issues.push({ field, reason: result.reason });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: out as unknown as LeadAttributes };
}

/** Income band as an ordered level 0 (low) … 4 (high): the model's numeric income feature. */
export function incomeLevel(band: LeadAttributes['incomeBand']): number {
  return INCOME_BANDS.indexOf(band);
}
