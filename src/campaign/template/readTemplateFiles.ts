// The template's four CSV files read as they are and mapped onto leads, campaigns and touches
// (templateTables.ts says what becomes of each column). As with our own files, every problem is
// collected with its file, line and column, and the caller gets all records or an error.
import { readCsvTable, type ColumnSpec, type TableRow } from '../csv/csvTable';
import { CampaignDataError, IssueList } from '../data/dataIssues';
import { bad, idField, integerField, ok, textField, tokenField, type FieldResult } from '../data/fieldRules';
import type { CampaignData } from '../data/campaignFiles';
import type { Campaign, Lead, ProductTerms, Touch } from '../data/records';
import {
  AGE_OF_BUCKET, CHANNEL_OF_TEMPLATE, CREDIT_OF_BUCKET, INCOME_OF_BUCKET, PAYMENT_FREQUENCIES, SLOT_OF_TEMPLATE,
  TEMPLATE_COLUMNS, TEMPLATE_FILES, type TemplateTable,
} from './templateTables';

export type TemplateFileTexts = Partial<Record<TemplateTable, string>>;

export interface TemplateColumnReport {
  file: string;
  rows: number;
  used: Record<string, string>;
  ignored: Record<string, string>;
}

export interface TemplateImportSummary {
  files: TemplateColumnReport[];
  /** Empty values filled in, per column. */
  imputed: { file: string; column: string; rows: number; value: string }[];
}

const show = (raw: string) => `"${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}"`;

/** A value of a fixed list, case-insensitive; `labels` are how the template spells them (for the message). */
function lookup<T>(raw: string, table: Record<string, T>, labels = Object.keys(table).map((k) => k.replace(/\b\w/g, (c) => c.toUpperCase()))): FieldResult<T> {
  const key = raw.trim().toLowerCase();
  if (key === '') return bad('is required');
  return key in table ? ok(table[key]) : bad(`must be one of ${labels.join(', ')}; got ${show(raw)}`);
}

/** mm/dd/yy (years 2000–2099) or mm/dd/yyyy → YYYY-MM-DD. */
export function templateDate(raw: string): FieldResult<string> {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(raw.trim());
  if (!m) return raw.trim() === '' ? bad('is required') : bad(`must be a date mm/dd/yy; got ${show(raw)}`);
  const y = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  const [mo, d] = [Number(m[1]), Number(m[2])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return bad(`is not a real date; got ${show(raw)}`);
  return ok(date.toISOString().slice(0, 10));
}

/** A non-negative number as R writes it: 150000, 1e+05, 2.5. */
export function templateAmount(raw: string): FieldResult<number> {
  const t = raw.trim();
  if (t === '') return bad('is required');
  if (!/^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return bad(`must be a non-negative number (e.g. 150000 or 1e+05); got ${show(raw)}`);
  const v = Number(t);
  return Number.isFinite(v) ? ok(v) : bad(`must be a finite number; got ${show(raw)}`);
}

/** "ID 00000001" → "ID-00000001": our ids have no spaces (they go into document ids and URLs). */
export function templateLeadId(raw: string): FieldResult<string> {
  return idField(raw.trim().replace(/\s+/g, '-'));
}

/** The token of a product name: "Protect Your Future" → "protect-your-future". */
export function productToken(name: string): FieldResult<string> {
  const token = name.trim().toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return tokenField(token === '' ? name : token);
}

class Reader {
  readonly issues: IssueList;
  constructor(issueLimit?: number) {
    this.issues = new IssueList(issueLimit);
  }
  /** Tables whose header could not be read: references into them are not checked (already reported). */
  readonly unreadable = new Set<TemplateTable>();
  /** Ids of rows that were refused, by table: a reference to one is not reported again. */
  readonly refused: Record<TemplateTable, Set<string>> = { campaigns: new Set(), products: new Set(), leads: new Set(), touches: new Set() };
  table(kind: TemplateTable, text: string): TableRow[] {
    const columns: ColumnSpec[] = Object.keys(TEMPLATE_COLUMNS[kind]).map((name) => ({ name, required: true }));
    const rows = readCsvTable(TEMPLATE_FILES[kind], text, columns, this.issues);
    if (!rows) this.unreadable.add(kind);
    return rows ?? [];
  }
  /** Reports a reference to a row that is not there, unless that row was refused or its file unreadable. */
  missing(kind: TemplateTable, row: TableRow, column: string, id: string, target: TemplateTable, shown = id): void {
    if (this.unreadable.has(target) || this.refused[target].has(id)) return;
    this.issues.add({ file: TEMPLATE_FILES[kind], row: row.line, column, reason: `"${shown}" is not in ${TEMPLATE_FILES[target]}` });
  }
  field<T>(kind: TemplateTable, row: TableRow, column: string, result: FieldResult<T>): T | undefined {
    if (result.ok) return result.value;
    this.issues.add({ file: TEMPLATE_FILES[kind], row: row.line, column, reason: result.reason });
    return undefined;
  }
  unique(kind: TemplateTable, seen: Map<string, number>, id: string, row: TableRow, column: string): boolean {
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      this.issues.add({ file: TEMPLATE_FILES[kind], row: row.line, column, reason: `"${id}" is already used on row ${earlier}` });
      return false;
    }
    seen.set(id, row.line);
    return true;
  }
}

const allDefined = (...values: unknown[]) => values.every((v) => v !== undefined);

function readProducts(r: Reader, text: string): Map<string, ProductTerms> {
  const products = new Map<string, ProductTerms>();
  const seen = new Map<string, number>();
  for (const row of r.table('products', text)) {
    const f = <T>(column: string, result: FieldResult<T>) => r.field('products', row, column, result);
    const productId = f('Product_Id', idField(row.get('Product_Id').trim()));
    const productName = f('Product', textField(row.get('Product'), 200));
    const token = productName === undefined ? undefined : f('Product', productToken(productName));
    const productCategory = f('Category', textField(row.get('Category'), 200));
    const termYears = f('Term', integerField(row.get('Term'), 0, 100));
    const peopleCovered = f('No_of_people_covered', integerField(row.get('No_of_people_covered'), 0, 1000));
    const premium = f('Premium', templateAmount(row.get('Premium')));
    const paymentFrequency = f('Payment_frequency', lookup(row.get('Payment_frequency'), Object.fromEntries(PAYMENT_FREQUENCIES.map((p) => [p, p]))));
    const netAmountInsured = f('Net_Amt_Insured', templateAmount(row.get('Net_Amt_Insured')));
    const amountOnMaturity = f('Amt_on_Maturity', templateAmount(row.get('Amt_on_Maturity')));
    if (!allDefined(productId, productName, token, productCategory, termYears, peopleCovered, premium, paymentFrequency, netAmountInsured, amountOnMaturity)) {
      r.refused.products.add(row.get('Product_Id').trim());
      continue;
    }
    if (!r.unique('products', seen, productId!, row, 'Product_Id')) continue;
    products.set(productId!, {
      productId: productId!, productName: productName!, productCategory: productCategory!, termYears: termYears!, peopleCovered: peopleCovered!,
      premium: premium!, paymentFrequency: paymentFrequency!, netAmountInsured: netAmountInsured!, amountOnMaturity: amountOnMaturity!,
    });
  }
  return products;
}

function readCampaigns(r: Reader, text: string, products: Map<string, ProductTerms> | undefined): Campaign[] {
  const campaigns: Campaign[] = [];
  const seen = new Map<string, number>();
  for (const row of r.table('campaigns', text)) {
    const f = <T>(column: string, result: FieldResult<T>) => r.field('campaigns', row, column, result);
    const campaignId = f('Campaign_Id', idField(row.get('Campaign_Id').trim()));
    const name = f('Campaign_Name', textField(row.get('Campaign_Name'), 200));
    const startDate = f('Launch_Date', templateDate(row.get('Launch_Date')));
    const productId = f('Product_Id', idField(row.get('Product_Id').trim()));
    let terms: ProductTerms | undefined;
    if (productId !== undefined && products) {
      terms = products.get(productId);
      if (!terms) r.missing('campaigns', row, 'Product_Id', productId, 'products');
    }
    const category = f('Category', textField(row.get('Category'), 200));
    const subCategory = f('Sub_Category', textField(row.get('Sub_Category'), 200));
    const drivers = f('Campaign_Drivers', textField(row.get('Campaign_Drivers'), 200));
    const callForAction = f('Call_For_Action', integerField(row.get('Call_For_Action'), 0, 1_000_000));
    const focusedGeography = f('Focused_Geography', textField(row.get('Focused_Geography'), 200));
    const tenure = f('Tenure_Of_Campaign', integerField(row.get('Tenure_Of_Campaign'), 0, 1_000_000));
    if (!terms || !allDefined(campaignId, name, startDate, category, subCategory, drivers, callForAction, focusedGeography, tenure)) {
      r.refused.campaigns.add(row.get('Campaign_Id').trim());
      continue;
    }
    if (!r.unique('campaigns', seen, campaignId!, row, 'Campaign_Id')) continue;
    const product = productToken(terms.productName);
    if (!product.ok) continue; // already reported on the product's row
    campaigns.push({
      campaignId: campaignId!, name: name!, product: product.value, startDate: startDate!, productTerms: terms,
      details: { category: category!, subCategory: subCategory!, drivers: drivers!, callForAction: callForAction!, focusedGeography: focusedGeography!, tenure: tenure! },
    });
  }
  return campaigns;
}

function readLeads(r: Reader, text: string, summary: TemplateImportSummary): Lead[] {
  const file = TEMPLATE_FILES.leads;
  const rows = r.table('leads', text);
  // The template leaves ~1 % of Household_Size empty on purpose; its cleaning step fills them
  // with the most frequent value, and so does this import (counted in the summary).
  const counts = new Map<number, number>();
  for (const row of rows) {
    const v = integerField(row.get('Household_Size'), 1, 20);
    if (v.ok) counts.set(v.value, (counts.get(v.value) ?? 0) + 1);
  }
  const mode = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
  let filled = 0;
  const leads: Lead[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const f = <T>(column: string, result: FieldResult<T>) => r.field('leads', row, column, result);
    const leadId = f('Lead_Id', templateLeadId(row.get('Lead_Id')));
    const age = f('Age', lookup(row.get('Age'), AGE_OF_BUCKET));
    const incomeBand = f('Annual_Income_Bucket', lookup(row.get('Annual_Income_Bucket'), INCOME_OF_BUCKET));
    const creditScore = f('Credit_Score', lookup(row.get('Credit_Score'), CREDIT_OF_BUCKET));
    const region = f('State', tokenField(row.get('State')));
    const sizeText = row.get('Household_Size');
    let householdSize: number | undefined;
    if (sizeText.trim() === '' && mode !== undefined) {
      householdSize = mode;
      filled++;
    } else householdSize = f('Household_Size', integerField(sizeText, 1, 20));
    if (!allDefined(leadId, age, incomeBand, creditScore, region, householdSize)) {
      r.refused.leads.add(row.get('Lead_Id').trim().replace(/\s+/g, '-'));
      continue;
    }
    if (!r.unique('leads', seen, leadId!, row, 'Lead_Id')) continue;
    leads.push({ leadId: leadId!, age: age!, incomeBand: incomeBand!, creditScore: creditScore!, householdSize: householdSize!, region: region! });
  }
  if (filled > 0) summary.imputed.push({ file, column: 'Household_Size', rows: filled, value: String(mode) });
  return leads;
}

function readTouches(r: Reader, text: string, leadIds: Set<string>, campaignIds: Set<string>): Touch[] {
  const touches: Touch[] = [];
  const seen = new Map<string, number>();
  for (const row of r.table('touches', text)) {
    const f = <T>(column: string, result: FieldResult<T>) => r.field('touches', row, column, result);
    let leadId = f('Lead_Id', templateLeadId(row.get('Lead_Id')));
    if (leadId !== undefined && !leadIds.has(leadId)) {
      r.missing('touches', row, 'Lead_Id', leadId, 'leads', row.get('Lead_Id'));
      leadId = undefined;
    }
    let campaignId = f('Campaign_Id', idField(row.get('Campaign_Id').trim()));
    if (campaignId !== undefined && !campaignIds.has(campaignId)) {
      r.missing('touches', row, 'Campaign_Id', campaignId, 'campaigns');
      campaignId = undefined;
    }
    const channel = f('Channel', lookup(row.get('Channel'), CHANNEL_OF_TEMPLATE, ['Email', 'SMS', 'Cold Calling']));
    const slot = f('Time_Of_Day', lookup(row.get('Time_Of_Day'), SLOT_OF_TEMPLATE));
    const dayOfWeek = f('Day_Of_Week', integerField(row.get('Day_Of_Week'), 1, 7));
    const converted = f('Conversion_Flag', integerField(row.get('Conversion_Flag'), 0, 1));
    const date = f('Time_Stamp', templateDate(row.get('Time_Stamp')));
    const commId = f('Comm_Id', integerField(row.get('Comm_Id'), 1, 1_000_000));
    if (!allDefined(leadId, campaignId, channel, slot, dayOfWeek, converted, date, commId)) continue;
    const touchId = `${leadId}:${commId}`;
    if (!r.unique('touches', seen, touchId, row, 'Comm_Id')) continue;
    // The file has dates only; a lead's communications on one day keep their Comm_Id order.
    const timeMs = Date.parse(`${date}T00:00:00Z`) + commId!;
    touches.push({ touchId, leadId: leadId!, campaignId: campaignId!, channel: channel!, day: dayOfWeek! - 1, slot: slot!, touchedAt: date!, timeMs, converted: converted === 1 });
  }
  return touches;
}

/**
 * Reads and checks the template's files (Campaign_Detail needs Product beside it; Market_Touchdown
 * needs Lead_Demography and Campaign_Detail); throws CampaignDataError listing every problem.
 */
export function readTemplateFiles(texts: TemplateFileTexts, opts: { issueLimit?: number } = {}): { data: CampaignData; summary: TemplateImportSummary } {
  const r = new Reader(opts.issueLimit);
  const summary: TemplateImportSummary = { files: [], imputed: [] };
  const present = (Object.keys(TEMPLATE_FILES) as TemplateTable[]).filter((k) => texts[k] !== undefined);
  if (present.length === 0) r.issues.add({ file: '(input)', row: 0, column: '', reason: `none of ${Object.values(TEMPLATE_FILES).join(', ')} was given` });
  const needs = (kind: TemplateTable, others: TemplateTable[]): boolean => {
    const missing = others.filter((k) => texts[k] === undefined).map((k) => TEMPLATE_FILES[k]);
    if (missing.length > 0) r.issues.add({ file: TEMPLATE_FILES[kind], row: 0, column: '', reason: `needs ${missing.join(' and ')} beside it, to check the ids it refers to` });
    return missing.length === 0;
  };
  const products = texts.products !== undefined ? readProducts(r, texts.products) : undefined;
  const campaigns = texts.campaigns !== undefined && needs('campaigns', ['products']) ? readCampaigns(r, texts.campaigns, products) : [];
  const leads = texts.leads !== undefined ? readLeads(r, texts.leads, summary) : [];
  const touches = texts.touches !== undefined && needs('touches', ['leads', 'campaigns', 'products'])
    ? readTouches(r, texts.touches, new Set(leads.map((l) => l.leadId)), new Set(campaigns.map((c) => c.campaignId)))
    : [];
  if (r.issues.count > 0) throw CampaignDataError.from(r.issues);
  const rows: Record<TemplateTable, number> = { campaigns: campaigns.length, products: products?.size ?? 0, leads: leads.length, touches: touches.length };
  for (const kind of present) {
    const used: Record<string, string> = {};
    const ignored: Record<string, string> = {};
    for (const [column, fate] of Object.entries(TEMPLATE_COLUMNS[kind])) {
      if ('use' in fate) used[column] = fate.use;
      else ignored[column] = fate.ignore;
    }
    summary.files.push({ file: TEMPLATE_FILES[kind], rows: rows[kind], used, ignored });
  }
  return { data: { leads, campaigns, touches }, summary };
}

/** The summary as lines for a terminal: per file, rows, then each ignored column and why. */
export function formatTemplateSummary(summary: TemplateImportSummary): string[] {
  const lines: string[] = [];
  for (const f of summary.files) {
    lines.push(`${f.file}: ${f.rows} rows; columns used: ${Object.keys(f.used).join(', ')}`);
    for (const [column, why] of Object.entries(f.ignored)) lines.push(`  ignored ${column}: ${why}`);
  }
  for (const i of summary.imputed) lines.push(`${i.file}: ${i.rows} empty ${i.column} filled with ${i.value} (the most frequent value)`);
  return lines;
}
