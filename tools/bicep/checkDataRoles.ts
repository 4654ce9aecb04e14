// Least privilege for data: a data-plane role is assigned on the one container or event hub its
// principal needs, never on a whole account, namespace, resource group or subscription. The one
// exception is host storage (AzureWebJobsStorage), where the Functions host creates its own
// containers. Cosmos DB data roles are scoped to a database at least, readers to containers.
import type { InfraProject } from './infraProject';
import type { Issue } from './issues';
import { objectEntries, objectGet } from './literals';
import { grants, ofType, originOf, scopeTarget, type Grant } from './ruleHelpers';

export interface DataRoleRule {
  name: string;
  id: string;
  /** Resource types this role may be assigned on. */
  scopes: string[];
  /** Also allowed on the host storage account (the one AzureWebJobsStorage__accountName names). */
  hostStorageAccount?: boolean;
}

const CONTAINERS = 'Microsoft.Storage/storageAccounts/blobServices/containers';
const HUBS = 'Microsoft.EventHub/namespaces/eventhubs';

export const DATA_ROLE_RULES: DataRoleRule[] = [
  { name: 'Storage Blob Data Owner', id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', scopes: [CONTAINERS], hostStorageAccount: true },
  { name: 'Storage Blob Data Contributor', id: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', scopes: [CONTAINERS] },
  { name: 'Storage Blob Data Reader', id: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', scopes: [CONTAINERS] },
  { name: 'Azure Event Hubs Data Owner', id: 'f526a384-b230-433a-b45c-95f59c4a2dec', scopes: [HUBS] },
  { name: 'Azure Event Hubs Data Sender', id: '2b629674-e913-4c01-ae53-ef4638d8f975', scopes: [HUBS] },
  { name: 'Azure Event Hubs Data Receiver', id: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde', scopes: [HUBS] },
];

const COSMOS_READER = '00000000-0000-0000-0000-000000000001';

/** Origin of the account the host stores its state in (AzureWebJobsStorage__accountName). */
function hostStorageOrigins(project: InfraProject): Set<string> {
  const origins = new Set<string>();
  for (const { resource, source } of ofType(project, 'Microsoft.Web/sites/config')) {
    const props = resource.body && objectGet(resource.body, 'properties');
    if (props?.type !== 'object') continue;
    for (const entry of objectEntries(props)) {
      if (entry.key !== 'AzureWebJobsStorage__accountName') continue;
      const origin = originOf(project, source, entry.value);
      if (origin) origins.add(origin);
    }
  }
  return origins;
}

function describeScope(grant: Grant): string {
  return grant.scopeNode?.text ?? 'the resource group (no scope)';
}

export function checkDataRoles(project: InfraProject, rules: DataRoleRule[] = DATA_ROLE_RULES): Issue[] {
  const issues: Issue[] = [];
  const hostStorage = hostStorageOrigins(project);
  for (const grant of grants(project, 'Microsoft.Authorization/roleAssignments')) {
    const rule = rules.find((r) => grant.roleIds.includes(r.id));
    if (!rule) continue;
    const { resource, source } = grant.at;
    const target = scopeTarget(source, grant.scopeNode);
    const report = (message: string) => issues.push({ check: 'rules', file: source.file, line: resource.line, message });
    if (!target) {
      report(`${resource.symbol}: ${rule.name} on ${describeScope(grant)}, which is not a resource of this file; scope it to the ${rule.scopes.map((s) => s.split('/').pop()).join(' or ')} it is for`);
      continue;
    }
    if (rule.scopes.some((t) => t.toLowerCase() === target.fullType.toLowerCase())) continue;
    if (rule.hostStorageAccount && target.fullType.toLowerCase() === 'microsoft.storage/storageaccounts') {
      const nameNode = target.body && objectGet(target.body, 'name');
      const origin = target.existing ? nameNode && originOf(project, source, nameNode) : `${source.file}#${target.symbol}`;
      if (origin && hostStorage.has(origin)) continue;
    }
    report(`${resource.symbol}: ${rule.name} is assigned on ${target.symbol} (${target.fullType}), broader than needed; assign it on the ${rule.scopes.map((s) => s.split('/').pop()).join(' or ')} the principal uses`);
  }
  for (const grant of grants(project, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments')) {
    const { resource, source } = grant.at;
    const scope = grant.at.resource.body && objectGet(grant.at.resource.body, 'properties');
    const scopeNode = scope && objectGet(scope, 'scope');
    const text = scopeNode?.text ?? '';
    const report = (message: string) => issues.push({ check: 'rules', file: source.file, line: resource.line, message });
    if (!text.includes('/dbs/')) {
      report(`${resource.symbol}: Cosmos DB data role on ${text || 'no scope'} covers the whole account; scope it to '/dbs/<database>' or, better, '/dbs/<database>/colls/<container>'`);
    } else if (grant.roleIds.includes(COSMOS_READER) && !text.includes('/colls/')) {
      report(`${resource.symbol}: Cosmos DB Data Reader on ${text} reads every container of the database; scope it to the containers the reader needs ('/colls/<container>')`);
    }
  }
  return issues;
}
