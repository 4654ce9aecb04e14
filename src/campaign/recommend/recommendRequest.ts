// Body of POST /api/campaigns/recommend, checked field by field (errors name the field, e.g.
// "leads[2].creditScore"):
//   { "campaignId"?: string, "product"?: string,
//     "lead"?: LeadRef, "leads"?: LeadRef[]  (exactly one of lead / leads; up to the limit) }
//   LeadRef = { "leadId": string }                         looked up in the leads container
//           | { "leadId"?: string, age, incomeBand, creditScore, householdSize, region }  inline
import { idField, tokenField } from '../data/fieldRules';
import { checkLeadAttributes, LEAD_ATTRIBUTE_FIELDS } from '../data/leadRules';
import type { LeadAttributes } from '../data/records';

export type LeadRef = { leadId: string; attributes?: undefined } | { leadId?: string; attributes: LeadAttributes };

export interface RecommendRequest {
  campaignId?: string;
  product?: string;
  leads: LeadRef[];
  /** True when the body used `lead` (one lead): the answer is then one result object. */
  single: boolean;
}

export interface RequestFieldError {
  field: string;
  message: string;
}

export type RequestCheck = { ok: true; request: RecommendRequest } | { ok: false; errors: RequestFieldError[] };

const KNOWN = new Set(['campaignId', 'product', 'lead', 'leads']);
const LEAD_KNOWN = new Set<string>(['leadId', ...LEAD_ATTRIBUTE_FIELDS]);
const MAX_ERRORS = 20;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkLead(input: unknown, path: string, errors: RequestFieldError[]): LeadRef | undefined {
  if (!isObject(input)) {
    errors.push({ field: path, message: 'must be an object with leadId or the lead attributes' });
    return undefined;
  }
  for (const key of Object.keys(input)) if (!LEAD_KNOWN.has(key)) errors.push({ field: `${path}.${key}`, message: `is not a known field (known: ${[...LEAD_KNOWN].join(', ')})` });
  let leadId: string | undefined;
  if (input.leadId !== undefined) {
    const id = idField(input.leadId);
    if (id.ok) leadId = id.value;
    else errors.push({ field: `${path}.leadId`, message: id.reason });
  }
  const inline = LEAD_ATTRIBUTE_FIELDS.some((f) => input[f] !== undefined);
  if (!inline) {
    if (input.leadId === undefined) errors.push({ field: `${path}.leadId`, message: `is required unless the lead's attributes (${LEAD_ATTRIBUTE_FIELDS.join(', ')}) are given` });
    return leadId !== undefined ? { leadId } : undefined;
  }
  const attrs = checkLeadAttributes(input, true);
  if (!attrs.ok) {
    for (const i of attrs.issues) errors.push({ field: `${path}.${i.field}`, message: i.reason });
    return undefined;
  }
  return { leadId, attributes: attrs.value };
}

export function parseRecommendRequest(body: unknown, maxLeads: number): RequestCheck {
  const errors: RequestFieldError[] = [];
  if (!isObject(body)) return { ok: false, errors: [{ field: 'body', message: 'must be a JSON object' }] };
  for (const key of Object.keys(body)) if (!KNOWN.has(key)) errors.push({ field: key, message: `is not a known field (known: ${[...KNOWN].join(', ')})` });
  let campaignId: string | undefined;
  if (body.campaignId !== undefined) {
    const id = idField(body.campaignId);
    if (id.ok) campaignId = id.value;
    else errors.push({ field: 'campaignId', message: id.reason });
  }
  let product: string | undefined;
  if (body.product !== undefined) {
    const p = tokenField(body.product);
    if (p.ok) product = p.value;
    else errors.push({ field: 'product', message: p.reason });
  }
  if (body.campaignId === undefined && body.product === undefined) errors.push({ field: 'campaignId', message: 'campaignId or product is required' });

  const leads: LeadRef[] = [];
  let single = false;
  if (body.lead !== undefined && body.leads !== undefined) {
    errors.push({ field: 'leads', message: 'give either lead (one) or leads (a list), not both' });
  } else if (body.lead !== undefined) {
    single = true;
    const ref = checkLead(body.lead, 'lead', errors);
    if (ref) leads.push(ref);
  } else if (body.leads === undefined) {
    errors.push({ field: 'leads', message: 'is required (or lead for a single lead)' });
  } else if (!Array.isArray(body.leads)) {
    errors.push({ field: 'leads', message: 'must be an array' });
  } else if (body.leads.length === 0 || body.leads.length > maxLeads) {
    errors.push({ field: 'leads', message: `must have 1 to ${maxLeads} leads; has ${body.leads.length}` });
  } else {
    body.leads.forEach((item, i) => {
      if (errors.length >= MAX_ERRORS) return;
      const ref = checkLead(item, `leads[${i}]`, errors);
      if (ref) leads.push(ref);
    });
  }
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_ERRORS) };
  return { ok: true, request: { campaignId, product, leads, single } };
}
