// Leads for a plan, page by page: from the `leads` container (checked like imported rows; a
// document that no longer passes is skipped and counted), or from memory.
import type { Container } from '@azure/cosmos';
import { checkLeadAttributes } from '../data/leadRules';
import type { Lead } from '../data/records';

export interface LeadPage {
  leads: Lead[];
  /** Documents that were not valid leads (ids, first few shown in logs). */
  skipped: string[];
}

export type LeadSource = () => AsyncIterable<LeadPage>;

export function memoryLeadSource(leads: readonly Lead[], pageSize = 5000): LeadSource {
  return async function* pages() {
    for (let i = 0; i < leads.length; i += pageSize) yield { leads: leads.slice(i, i + pageSize), skipped: [] };
  };
}

const QUERY = 'SELECT c.id, c.leadId, c.age, c.incomeBand, c.creditScore, c.householdSize, c.region FROM c';

export function cosmosLeadSource(container: Container, pageSize = 5000): LeadSource {
  return async function* pages() {
    const iterator = container.items.query<Record<string, unknown>>(QUERY, { maxItemCount: pageSize });
    while (iterator.hasMoreResults()) {
      const { resources } = await iterator.fetchNext();
      if (!resources || resources.length === 0) continue;
      const page: LeadPage = { leads: [], skipped: [] };
      for (const doc of resources) {
        const leadId = typeof doc.leadId === 'string' ? doc.leadId : undefined;
        const checked = checkLeadAttributes(doc, true);
        if (!leadId || !checked.ok) page.skipped.push(String(doc.id ?? '(no id)'));
        else page.leads.push({ leadId, ...checked.value });
      }
      yield page;
    }
  };
}
