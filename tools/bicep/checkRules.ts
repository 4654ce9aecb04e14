// Project rules for the deployment: identity everywhere, no keys, least-privilege roles present,
// the function app's settings match exactly what the code reads, secrets live in Key Vault, and
// traffic is HTTPS with TLS 1.2 or newer (checkSecurity.ts), data is protected (soft delete,
// archive retention, continuous backup, diagnostics, no basic publishing, no CORS wildcard:
// checkDataProtection.ts), data roles are scoped to what each principal uses (checkDataRoles.ts),
// and only the training app writes models (checkModelRegistry.ts).
import * as fs from 'node:fs';
import type { ObjectType } from 'bicep-types';
import { azureAppSettingNames, isHostSetting, secretAppSettingNames, TRAINING_FUNCTION_NAMES } from './appSettingClasses';
import type { AzureTypes, TypeHandle } from './azureTypes';
import { checkKeyVault, type KeyVaultRules } from './checkKeyVault';
import { checkDataProtection } from './checkDataProtection';
import { checkDataRoles } from './checkDataRoles';
import { checkModelRegistry, trainingOnlyIdentityOrigins } from './checkModelRegistry';
import { checkSecurity } from './checkSecurity';
import { infraTextFiles, relativeName, type InfraProject } from './infraProject';
import type { Issue } from './issues';
import { literalOf, objectEntries, objectGet, objectPath, stringValue } from './literals';
import { allResources, grants, ofType, originOf, type Grant } from './ruleHelpers';

export interface RoleRule {
  name: string;
  id: string;
  /** Must be granted by an assignment that is always deployed (not behind `if`). */
  unconditional: boolean;
}

export interface RulesConfig extends KeyVaultRules {
  /** The functions that write models: only the training app runs them (checkModelRegistry.ts). */
  trainingFunctions: readonly string[];
  azureRoles: RoleRule[];
  cosmosRoles: RoleRule[];
  forbiddenText: string[];
  expectedAppSettings: string[];
}

export const DEFAULT_RULES: RulesConfig = {
  azureRoles: [
    { name: 'Storage Blob Data Owner', id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', unconditional: true },
    { name: 'Storage Blob Data Contributor', id: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', unconditional: true },
    { name: 'Azure Event Hubs Data Sender', id: '2b629674-e913-4c01-ae53-ef4638d8f975', unconditional: true },
    { name: 'Azure Event Hubs Data Receiver', id: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde', unconditional: true },
    { name: 'Monitoring Metrics Publisher', id: '3913510d-42f4-4e42-8a64-420c390055eb', unconditional: true },
  ],
  cosmosRoles: [
    { name: 'Cosmos DB Built-in Data Contributor', id: '00000000-0000-0000-0000-000000000002', unconditional: true },
    { name: 'Cosmos DB Built-in Data Reader', id: '00000000-0000-0000-0000-000000000001', unconditional: false },
  ],
  forbiddenText: ['listKeys', 'listConnectionStrings', 'AccountKey=', 'SharedAccessKey'],
  expectedAppSettings: azureAppSettingNames(),
  trainingFunctions: TRAINING_FUNCTION_NAMES,
  secretAppSettings: secretAppSettingNames(),
  keyVaultSecretsUserRole: { name: 'Key Vault Secrets User', id: '4633458b-17de-408a-b874-0445c86b69e6' },
};

const COSMOS_READER = '00000000-0000-0000-0000-000000000001';

function checkRoles(project: InfraProject, rules: RulesConfig): Issue[] {
  const issues: Issue[] = [];
  const report = (file: string, line: number, message: string): void => {
    issues.push({ check: 'rules', file, line, message });
  };
  const requireRoles = (found: Grant[], required: RoleRule[], kind: string): void => {
    for (const role of required) {
      const matching = found.filter((g) => g.roleIds.includes(role.id.toLowerCase()));
      if (matching.length === 0) report('main.bicep', 1, `missing ${kind} role assignment: ${role.name} (${role.id})`);
      else if (role.unconditional && matching.every((g) => g.conditional)) {
        report(matching[0].at.source.file, matching[0].at.resource.line, `${kind} role ${role.name} is only assigned conditionally; the app needs it always`);
      }
    }
  };
  // The required roles are the serving app's: the training app's identity has fewer (no Event Hubs,
  // read-only archive), so its grants must not stand in for a role the serving identity lacks.
  const trainingOnly = trainingOnlyIdentityOrigins(project);
  const toServing = (found: Grant[]) =>
    found.filter((g) => {
      const origin = g.principalNode && originOf(project, g.at.source, g.principalNode);
      return origin === undefined || !trainingOnly.has(origin);
    });
  const azure = grants(project, 'Microsoft.Authorization/roleAssignments');
  requireRoles(toServing(azure), rules.azureRoles, 'Azure RBAC');
  for (const grant of azure) {
    // Least privilege: scope each assignment to one resource, never the whole group.
    if (!grant.at.resource.body || !objectGet(grant.at.resource.body, 'scope')) {
      report(grant.at.source.file, grant.at.resource.line, `role assignment ${grant.at.resource.symbol} has no scope; scope it to the resource it is for`);
    }
  }
  const cosmos = grants(project, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments');
  requireRoles(toServing(cosmos), rules.cosmosRoles, 'Cosmos DB');
  // A principal that reads (Power BI) must not also be granted a writing role.
  const readers = cosmos.filter((g) => g.roleIds.includes(COSMOS_READER));
  for (const reader of readers) {
    const writer = cosmos.find((g) => g !== reader && g.principal === reader.principal && !g.roleIds.includes(COSMOS_READER));
    if (writer) {
      report(writer.at.source.file, writer.at.resource.line, `principal ${reader.principal} has Data Reader and also a writing role (${writer.at.resource.symbol})`);
    }
  }
  return issues;
}

function checkForbiddenText(project: InfraProject, rules: RulesConfig): Issue[] {
  const issues: Issue[] = [];
  for (const absPath of infraTextFiles(project.dir)) {
    const lines = fs.readFileSync(absPath, 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const word of rules.forbiddenText) {
        if (line.toLowerCase().includes(word.toLowerCase())) {
          issues.push({ check: 'rules', file: relativeName(project.dir, absPath), line: i + 1, message: `forbidden "${word}": use managed identity, never keys` });
        }
      }
    });
  }
  return issues;
}

function checkManagedIdentity(project: InfraProject): Issue[] {
  const issues: Issue[] = [];
  const apps = ofType(project, 'Microsoft.Web/sites');
  for (const { resource, source } of apps) {
    const typeNode = resource.body && objectPath(resource.body, ['identity', 'type']);
    const type = typeNode ? stringValue(typeNode) : undefined;
    if (!type || !/(User|System)Assigned/.test(type)) {
      issues.push({ check: 'rules', file: source.file, line: resource.line, message: `function app ${resource.symbol} has no managed identity (identity.type)` });
    }
  }
  if (apps.length === 0) issues.push({ check: 'rules', file: 'main.bicep', line: 1, message: 'no function app (Microsoft.Web/sites) found' });
  return issues;
}

/** Paths like properties.disableLocalAuth / properties.features.disableLocalAuth the type offers. */
function localAuthPaths(types: AzureTypes, body: TypeHandle): { path: string[]; want: boolean }[] {
  const found: { path: string[]; want: boolean }[] = [];
  const wanted: Record<string, boolean> = { disablelocalauth: true, allowsharedkeyaccess: false };
  const visit = (handle: TypeHandle, path: string[], depth: number): void => {
    if (handle.type.type !== 'ObjectType' || depth > 2) return;
    const object: ObjectType = handle.type;
    for (const [name, prop] of Object.entries(object.properties)) {
      const want = wanted[name.toLowerCase()];
      if (want !== undefined) found.push({ path: [...path, name], want });
      else if (path.length === 0 ? name === 'properties' : name === 'features') {
        visit(types.resolve(prop.type, handle.file), [...path, name], depth + 1);
      }
    }
  };
  visit(body, [], 0);
  return found;
}

function checkLocalAuth(project: InfraProject, types: AzureTypes): Issue[] {
  const issues: Issue[] = [];
  for (const { resource, source } of allResources(project)) {
    if (resource.existing || !resource.body || !resource.apiVersion) continue;
    const body = types.resourceBody(resource.fullType, resource.apiVersion);
    if (!body) continue;
    for (const { path, want } of localAuthPaths(types, body)) {
      const node = objectPath(resource.body, path);
      const literal = node ? literalOf(node) : undefined;
      if (literal?.kind !== 'bool' || literal.value !== want) {
        issues.push({
          check: 'rules',
          file: source.file,
          line: node ? node.startPosition.row + 1 : resource.line,
          message: `${resource.symbol} (${resource.fullType}) must set ${path.join('.')}: ${want}`,
        });
      }
    }
  }
  return issues;
}

function checkAppSettings(project: InfraProject, rules: RulesConfig): Issue[] {
  const issues: Issue[] = [];
  const configs = ofType(project, 'Microsoft.Web/sites/config').filter(({ resource }) => {
    const name = resource.body && objectGet(resource.body, 'name');
    return name !== undefined && stringValue(name) === 'appsettings';
  });
  if (configs.length === 0) {
    return [{ check: 'rules', file: 'main.bicep', line: 1, message: 'no appsettings config resource found for the function app' }];
  }
  for (const { resource, source } of configs) {
    const props = resource.body && objectGet(resource.body, 'properties');
    if (!props || props.type !== 'object') {
      issues.push({ check: 'rules', file: source.file, line: resource.line, message: 'appsettings properties must be an object literal' });
      continue;
    }
    const keys = objectEntries(props).map((e) => e.key).filter((k): k is string => k !== undefined);
    for (const expected of rules.expectedAppSettings) {
      if (!keys.includes(expected)) {
        issues.push({ check: 'rules', file: source.file, line: resource.line, message: `app setting ${expected} is read by the code but not set by the template` });
      }
    }
    for (const entry of objectEntries(props)) {
      if (entry.key && !rules.expectedAppSettings.includes(entry.key) && !isHostSetting(entry.key)) {
        issues.push({
          check: 'rules',
          file: source.file,
          line: entry.keyNode.startPosition.row + 1,
          message: `app setting ${entry.key} is not read by the code (local-only or unknown)`,
        });
      }
    }
  }
  return issues;
}

export function checkRules(project: InfraProject, types: AzureTypes, rules: RulesConfig = DEFAULT_RULES): Issue[] {
  return [
    ...checkForbiddenText(project, rules),
    ...checkManagedIdentity(project),
    ...checkLocalAuth(project, types),
    ...checkRoles(project, rules),
    ...checkAppSettings(project, rules),
    ...checkKeyVault(project, rules),
    ...checkSecurity(project),
    ...checkDataProtection(project),
    ...checkDataRoles(project),
    ...checkModelRegistry(project, rules),
  ];
}
