// Project rules for secrets: every secret app setting is a Key Vault reference (never a literal or
// a parameter), the app resolves references with its user-assigned identity, that identity has
// "Key Vault Secrets User" on the vault the references point to, and the vault uses Azure RBAC
// (no access policies) with purge protection.
import type { SyntaxNode } from 'tree-sitter';
import type { InfraProject, BicepSource } from './infraProject';
import type { Issue } from './issues';
import { arrayItems, literalOf, objectEntries, objectGet, objectPath, stringValue } from './literals';
import { findNodes } from './bicepModel';
import { grants, ofType, originOf, resolveValue, scopeResource, type Located } from './ruleHelpers';

export interface KeyVaultRules {
  /** App settings that hold secrets (SECRET_SETTING_NAMES). */
  secretAppSettings: string[];
  /** Built-in role the app identity needs on the vault to resolve references. */
  keyVaultSecretsUserRole: { name: string; id: string };
}

const VAULTS = 'Microsoft.KeyVault/vaults';

/** Interpolations stand in as \u0001 so the shape of the reference can be checked. */
const HOLE = '\u0001';
const KEY_VAULT_REFERENCE = new RegExp(
  '^@Microsoft\\.KeyVault\\((?:' +
    `SecretUri=(?:https://|${HOLE})[^;()\\s]*` +
    '|VaultName=[^;()\\s]+;SecretName=[^;()\\s]+(?:;SecretVersion=[^;()\\s]+)?' +
    ')\\)$',
);

/** A string node's text with every `${...}` replaced by HOLE; undefined for anything but a string. */
function templateText(node: SyntaxNode): string | undefined {
  if (node.type !== 'string') return undefined;
  let out = '';
  for (const child of node.namedChildren) {
    if (child.type === 'interpolation') out += HOLE;
    else if (child.type === 'string_content' || child.type === 'escape_sequence') out += child.text;
  }
  return out;
}

export function isKeyVaultReference(text: string): boolean {
  return KEY_VAULT_REFERENCE.test(text);
}

interface SettingEntry {
  key: string;
  keyNode: SyntaxNode;
  value: SyntaxNode;
  source: BicepSource;
}

/** Every app setting the template sets: `config` resources named appsettings and siteConfig.appSettings arrays. */
function appSettingEntries(project: InfraProject): SettingEntry[] {
  const entries: SettingEntry[] = [];
  for (const { resource, source } of ofType(project, 'Microsoft.Web/sites/config')) {
    const name = resource.body && objectGet(resource.body, 'name');
    const props = resource.body && objectGet(resource.body, 'properties');
    if (!name || stringValue(name) !== 'appsettings' || props?.type !== 'object') continue;
    for (const entry of objectEntries(props)) {
      if (entry.key !== undefined) entries.push({ key: entry.key, keyNode: entry.keyNode, value: entry.value, source });
    }
  }
  for (const { resource, source } of ofType(project, 'Microsoft.Web/sites')) {
    const list = resource.body && objectPath(resource.body, ['properties', 'siteConfig', 'appSettings']);
    if (list?.type !== 'array') continue;
    for (const item of arrayItems(list)) {
      const nameNode = item.type === 'object' ? objectGet(item, 'name') : undefined;
      const value = item.type === 'object' ? objectGet(item, 'value') : undefined;
      const key = nameNode && stringValue(nameNode);
      if (key !== undefined && nameNode && value) entries.push({ key, keyNode: nameNode, value, source });
    }
  }
  return entries;
}

interface SecretReference {
  entry: SettingEntry;
  /** Where the vault named in the reference comes from (origins of its interpolations). */
  vaultOrigins: string[];
}

function checkSecretSettings(project: InfraProject, rules: KeyVaultRules, references: SecretReference[]): Issue[] {
  const issues: Issue[] = [];
  for (const entry of appSettingEntries(project)) {
    if (!rules.secretAppSettings.includes(entry.key)) continue;
    const report = (message: string): void => {
      issues.push({ check: 'rules', file: entry.source.file, line: entry.keyNode.startPosition.row + 1, message });
    };
    const resolved = resolveValue(project, entry.source, entry.value);
    if (resolved.openParam) {
      report(`secret app setting ${entry.key} comes from parameter ${resolved.openParam}; set it only as a Key Vault reference @Microsoft.KeyVault(...), never as a value or parameter`);
      continue;
    }
    const text = templateText(resolved.node);
    if (text === undefined || !isKeyVaultReference(text)) {
      report(`secret app setting ${entry.key} must be a Key Vault reference @Microsoft.KeyVault(VaultName=…;SecretName=…) or @Microsoft.KeyVault(SecretUri=…), not a value`);
      continue;
    }
    const holes = findNodes(resolved.node, (n) => n.type === 'interpolation').flatMap((hole) => hole.namedChildren.slice(0, 1));
    const vaultOrigins = holes.map((hole) => originOf(project, resolved.source, hole)).filter((o): o is string => o !== undefined);
    references.push({ entry, vaultOrigins });
  }
  return issues;
}

function checkVaults(project: InfraProject, rules: KeyVaultRules): Issue[] {
  const issues: Issue[] = [];
  const vaults = ofType(project, VAULTS);
  if (vaults.length === 0 && rules.secretAppSettings.length > 0) {
    issues.push({ check: 'rules', file: 'main.bicep', line: 1, message: `no Key Vault (${VAULTS}) for the secret app settings ${rules.secretAppSettings.join(', ')}` });
  }
  for (const { resource, source } of vaults) {
    const report = (node: SyntaxNode | undefined, message: string): void => {
      issues.push({ check: 'rules', file: source.file, line: node ? node.startPosition.row + 1 : resource.line, message });
    };
    const props = resource.body && objectGet(resource.body, 'properties');
    const flag = (name: string): { node: SyntaxNode | undefined; value: boolean | undefined } => {
      const node = props?.type === 'object' ? objectGet(props, name) : undefined;
      const literal = node ? literalOf(node) : undefined;
      return { node, value: literal?.kind === 'bool' ? literal.value : undefined };
    };
    const rbac = flag('enableRbacAuthorization');
    if (rbac.value !== true) {
      report(rbac.node, `${resource.symbol} (${VAULTS}) must set properties.enableRbacAuthorization: true (Azure RBAC, no access policies)`);
    }
    const policies = props?.type === 'object' ? objectGet(props, 'accessPolicies') : undefined;
    if (policies && !(policies.type === 'array' && arrayItems(policies).length === 0)) {
      report(policies, `${resource.symbol} (${VAULTS}) uses access policies (properties.accessPolicies); grant Azure RBAC roles instead`);
    }
    const purge = flag('enablePurgeProtection');
    if (purge.value !== true) report(purge.node, `${resource.symbol} (${VAULTS}) must set properties.enablePurgeProtection: true`);
    const softDelete = flag('enableSoftDelete');
    if (softDelete.node && softDelete.value !== true) report(softDelete.node, `${resource.symbol} (${VAULTS}) must not turn soft delete off`);
  }
  for (const { resource, source } of ofType(project, `${VAULTS}/accessPolicies`)) {
    issues.push({ check: 'rules', file: source.file, line: resource.line, message: `${resource.symbol} adds Key Vault access policies; grant Azure RBAC roles instead` });
  }
  return issues;
}

interface AppIdentity {
  app: Located;
  /** Origins of the principals the app runs as (user-assigned identities; the site itself when system-assigned). */
  principals: Set<string>;
  userAssigned: Set<string>;
  systemAssigned: boolean;
  identityType: string | undefined;
}

function appIdentities(project: InfraProject): AppIdentity[] {
  return ofType(project, 'Microsoft.Web/sites').map((app) => {
    const body = app.resource.body;
    const typeNode = body && objectPath(body, ['identity', 'type']);
    const identityType = typeNode ? stringValue(typeNode) : undefined;
    const userAssigned = new Set<string>();
    const assigned = body && objectPath(body, ['identity', 'userAssignedIdentities']);
    if (assigned?.type === 'object') {
      for (const entry of objectEntries(assigned)) {
        const origin = originOf(project, app.source, entry.keyNode);
        if (origin) userAssigned.add(origin);
      }
    }
    const systemAssigned = identityType !== undefined && /SystemAssigned/.test(identityType);
    const principals = new Set(userAssigned);
    if (systemAssigned) principals.add(`${app.source.file}#${app.resource.symbol}`);
    return { app, principals, userAssigned, systemAssigned, identityType };
  });
}

function checkReferenceIdentity(identities: AppIdentity[], project: InfraProject): Issue[] {
  const issues: Issue[] = [];
  for (const { app, userAssigned, systemAssigned, identityType } of identities) {
    if (!identityType || !/UserAssigned/.test(identityType) || systemAssigned) continue;
    const node = app.resource.body && objectPath(app.resource.body, ['properties', 'keyVaultReferenceIdentity']);
    if (!node) {
      issues.push({
        check: 'rules',
        file: app.source.file,
        line: app.resource.line,
        message: `function app ${app.resource.symbol} runs as a user-assigned identity but does not set properties.keyVaultReferenceIdentity; its Key Vault references would not resolve`,
      });
      continue;
    }
    const origin = originOf(project, app.source, node);
    if (origin && userAssigned.size > 0 && !userAssigned.has(origin)) {
      issues.push({
        check: 'rules',
        file: app.source.file,
        line: node.startPosition.row + 1,
        message: `function app ${app.resource.symbol}: keyVaultReferenceIdentity is not one of its user-assigned identities`,
      });
    }
  }
  return issues;
}

function checkSecretsUserRole(project: InfraProject, rules: KeyVaultRules, identities: AppIdentity[], references: SecretReference[]): Issue[] {
  const role = rules.keyVaultSecretsUserRole;
  const label = `${role.name} (${role.id})`;
  const appPrincipals = new Set(identities.flatMap((i) => [...i.principals]));
  const referencedVaults = new Set(references.flatMap((r) => r.vaultOrigins));
  const withRole = grants(project, 'Microsoft.Authorization/roleAssignments').filter((g) => g.roleIds.includes(role.id.toLowerCase()));
  const toApp = withRole.filter((g) => {
    const origin = g.principalNode && originOf(project, g.at.source, g.principalNode);
    return origin !== undefined && appPrincipals.has(origin);
  });
  const at = (g: (typeof toApp)[number], message: string): Issue => ({ check: 'rules', file: g.at.source.file, line: g.at.resource.line, message });
  if (toApp.length === 0) {
    return [{ check: 'rules', file: 'main.bicep', line: 1, message: `missing Azure RBAC role assignment: ${label} for the app identity on the Key Vault` }];
  }
  const onVault = toApp.filter((g) => scopeResource(g.at.source, g.scopeNode)?.fullType.toLowerCase() === VAULTS.toLowerCase());
  if (onVault.length === 0) {
    return [at(toApp[0], `${role.name} for the app identity (${toApp[0].at.resource.symbol}) must be scoped to the Key Vault, not ${toApp[0].scopeNode?.text ?? 'the resource group'}`)];
  }
  // The vault the role is on must be the one the references name (when both can be traced).
  const vaultOrigin = (g: (typeof onVault)[number]): string | undefined => {
    const vault = scopeResource(g.at.source, g.scopeNode)!;
    if (!vault.existing) return `${g.at.source.file}#${vault.symbol}`;
    const name = vault.body && objectGet(vault.body, 'name');
    return name ? originOf(project, g.at.source, name) : undefined;
  };
  const matching = onVault.filter((g) => {
    const origin = vaultOrigin(g);
    return referencedVaults.size === 0 || origin === undefined || referencedVaults.has(origin);
  });
  if (matching.length === 0) {
    return [at(onVault[0], `${role.name} for the app identity (${onVault[0].at.resource.symbol}) is on a different Key Vault than the one the app settings reference`)];
  }
  if (matching.every((g) => g.conditional)) {
    return [at(matching[0], `${role.name} for the app identity is only assigned conditionally; the app needs it always`)];
  }
  return [];
}

export function checkKeyVault(project: InfraProject, rules: KeyVaultRules): Issue[] {
  if (rules.secretAppSettings.length === 0 && ofType(project, VAULTS).length === 0) return [];
  const references: SecretReference[] = [];
  const identities = appIdentities(project);
  return [
    ...checkSecretSettings(project, rules, references),
    ...checkVaults(project, rules),
    ...(references.length > 0 ? checkReferenceIdentity(identities, project) : []),
    ...checkSecretsUserRole(project, rules, identities, references),
  ];
}
