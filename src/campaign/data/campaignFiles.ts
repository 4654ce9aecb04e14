// The three CSV files (leads.csv, campaigns.csv, touches.csv) read into checked records. Every
// problem is collected with its row and column; the caller gets all records or an error, never
// a part of them.
import { CHANNELS, localContactTime } from '../../events/contactCombinations';
import { readCsvTable, type ColumnSpec, type TableRow } from '../csv/csvTable';
import { CampaignDataError, IssueList } from './dataIssues';
import { dateField, enumField, flagField, idField, textField, tokenField, type FieldResult } from './fieldRules';
import { checkLeadAttributes, LEAD_ATTRIBUTE_FIELDS } from './leadRules';
import type { Campaign, Lead, Touch } from './records';

export const FILE_NAMES = { leads: 'leads.csv', campaigns: 'campaigns.csv', touches: 'touches.csv' } as const;
export type CampaignFileKind = keyof typeof FILE_NAMES;

const required = (name: string): ColumnSpec => ({ name, required: true });

export const COLUMNS: Record<CampaignFileKind, readonly ColumnSpec[]> = {
  leads: [required('leadId'), ...LEAD_ATTRIBUTE_FIELDS.map(required)],
  campaigns: [required('campaignId'), required('name'), required('product'), required('startDate'), { name: 'endDate', required: false }],
  touches: [required('touchId'), required('leadId'), required('campaignId'), required('channel'), required('touchedAt'), required('converted')],
};

/** File texts by kind; any subset (touches need leads and campaigns beside them). */
export type CampaignFileTexts = Partial<Record<CampaignFileKind, string>>;

export interface CampaignData {
  leads: Lead[];
  campaigns: Campaign[];
  touches: Touch[];
}

function field<T>(issues: IssueList, file: string, row: TableRow, column: string, result: FieldResult<T>): T | undefined {
  if (result.ok) return result.value;
  issues.add({ file, row: row.line, column, reason: result.reason });
  return undefined;
}

/** Marks a repeated id; returns false for the repeat. */
function firstTime(seen: Map<string, number>, id: string, issues: IssueList, file: string, row: TableRow, column: string): boolean {
  const earlier = seen.get(id);
  if (earlier !== undefined) {
    issues.add({ file, row: row.line, column, reason: `"${id}" is already used on row ${earlier}` });
    return false;
  }
  seen.set(id, row.line);
  return true;
}

function readLeads(text: string, issues: IssueList): Lead[] {
  const file = FILE_NAMES.leads;
  const rows = readCsvTable(file, text, COLUMNS.leads, issues) ?? [];
  const seen = new Map<string, number>();
  const leads: Lead[] = [];
  for (const row of rows) {
    const leadId = field(issues, file, row, 'leadId', idField(row.get('leadId')));
    const raw: Record<string, unknown> = {};
    for (const f of LEAD_ATTRIBUTE_FIELDS) raw[f] = row.get(f);
    const attrs = checkLeadAttributes(raw, false);
    if (!attrs.ok) for (const i of attrs.issues) issues.add({ file, row: row.line, column: i.field, reason: i.reason });
    if (leadId === undefined || !attrs.ok || !firstTime(seen, leadId, issues, file, row, 'leadId')) continue;
    leads.push({ leadId, ...attrs.value });
  }
  return leads;
}

function readCampaigns(text: string, issues: IssueList): Campaign[] {
  const file = FILE_NAMES.campaigns;
  const rows = readCsvTable(file, text, COLUMNS.campaigns, issues) ?? [];
  const seen = new Map<string, number>();
  const campaigns: Campaign[] = [];
  for (const row of rows) {
    const campaignId = field(issues, file, row, 'campaignId', idField(row.get('campaignId')));
    const name = field(issues, file, row, 'name', textField(row.get('name'), 200));
    const product = field(issues, file, row, 'product', tokenField(row.get('product')));
    const startDate = field(issues, file, row, 'startDate', dateField(row.get('startDate')));
    const endText = row.get('endDate');
    const endDate = endText.trim() === '' ? undefined : field(issues, file, row, 'endDate', dateField(endText));
    if (startDate !== undefined && endDate !== undefined && endDate < startDate) {
      issues.add({ file, row: row.line, column: 'endDate', reason: `${endDate} is before startDate ${startDate}` });
      continue;
    }
    if (campaignId === undefined || name === undefined || product === undefined || startDate === undefined) continue;
    if (endText.trim() !== '' && endDate === undefined) continue;
    if (!firstTime(seen, campaignId, issues, file, row, 'campaignId')) continue;
    campaigns.push({ campaignId, name, product, startDate, ...(endDate ? { endDate } : {}) });
  }
  return campaigns;
}

function readTouches(text: string, leadIds: Set<string>, campaignIds: Set<string>, issues: IssueList): Touch[] {
  const file = FILE_NAMES.touches;
  const rows = readCsvTable(file, text, COLUMNS.touches, issues) ?? [];
  const seen = new Map<string, number>();
  const touches: Touch[] = [];
  for (const row of rows) {
    const touchId = field(issues, file, row, 'touchId', idField(row.get('touchId')));
    let leadId = field(issues, file, row, 'leadId', idField(row.get('leadId')));
    if (leadId !== undefined && !leadIds.has(leadId)) {
      issues.add({ file, row: row.line, column: 'leadId', reason: `"${leadId}" is not in ${FILE_NAMES.leads}` });
      leadId = undefined;
    }
    let campaignId = field(issues, file, row, 'campaignId', idField(row.get('campaignId')));
    if (campaignId !== undefined && !campaignIds.has(campaignId)) {
      issues.add({ file, row: row.line, column: 'campaignId', reason: `"${campaignId}" is not in ${FILE_NAMES.campaigns}` });
      campaignId = undefined;
    }
    const channel = field(issues, file, row, 'channel', enumField(row.get('channel'), CHANNELS));
    const touchedAt = row.get('touchedAt').trim();
    const local = localContactTime(touchedAt);
    if (!local) {
      issues.add({ file, row: row.line, column: 'touchedAt', reason: `must be an ISO 8601 date-time with its offset, e.g. 2025-03-03T18:30:00+01:00; got "${touchedAt.slice(0, 40)}"` });
    }
    const converted = field(issues, file, row, 'converted', flagField(row.get('converted')));
    if (touchId === undefined || leadId === undefined || campaignId === undefined || channel === undefined || !local || converted === undefined) continue;
    if (!firstTime(seen, touchId, issues, file, row, 'touchId')) continue;
    touches.push({ touchId, leadId, campaignId, channel, day: local.day, slot: local.slot, touchedAt, timeMs: local.timeMs, converted });
  }
  return touches;
}

/** Reads and checks the given files; throws CampaignDataError listing every problem. */
export function readCampaignFiles(texts: CampaignFileTexts, opts: { issueLimit?: number } = {}): CampaignData {
  const issues = new IssueList(opts.issueLimit);
  if (texts.leads === undefined && texts.campaigns === undefined && texts.touches === undefined) {
    issues.add({ file: '(input)', row: 0, column: '', reason: `none of ${Object.values(FILE_NAMES).join(', ')} was given` });
  }
  const leads = texts.leads !== undefined ? readLeads(texts.leads, issues) : [];
  const campaigns = texts.campaigns !== undefined ? readCampaigns(texts.campaigns, issues) : [];
  let touches: Touch[] = [];
  if (texts.touches !== undefined) {
    const missing = (['leads', 'campaigns'] as const).filter((k) => texts[k] === undefined).map((k) => FILE_NAMES[k]);
    if (missing.length > 0) {
      issues.add({ file: FILE_NAMES.touches, row: 0, column: '', reason: `needs ${missing.join(' and ')} beside it, to check the ids it refers to` });
    } else {
      touches = readTouches(texts.touches, new Set(leads.map((l) => l.leadId)), new Set(campaigns.map((c) => c.campaignId)), issues);
    }
  }
  if (issues.count > 0) throw CampaignDataError.from(issues);
  return { leads, campaigns, touches };
}
