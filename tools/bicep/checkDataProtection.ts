// Data-protection rules of the deployment (issue 19's security review): blob and container soft
// delete on every storage account, a time-based retention policy on the archive container, Cosmos
// DB continuous backup, a diagnostic setting to Log Analytics for every resource that has logs or
// metrics of its own, no basic (FTP/SCM) publishing credentials, and no CORS wildcard.
import type { SyntaxNode } from 'tree-sitter';
import { findNodes, type ResourceDecl } from './bicepModel';
import type { BicepSource, InfraProject } from './infraProject';
import type { Issue } from './issues';
import { literalOf, objectGet, objectPath, stringValue } from './literals';
import { callersOf, ofType, resolveValue, scopeTarget, type Located } from './ruleHelpers';

export interface DiagnosticsRules {
  /** Declared resources of these types each need a diagnostic setting sending to a workspace. */
  diagnosed: string[];
  /** Top-level types without one, each with the reason (no logs/metrics of their own, or already in the workspace). */
  exempt: Record<string, string>;
}

export const DIAGNOSTICS_RULES: DiagnosticsRules = {
  diagnosed: [
    'Microsoft.Storage/storageAccounts',
    'Microsoft.Storage/storageAccounts/blobServices',
    'Microsoft.EventHub/namespaces',
    'Microsoft.DocumentDB/databaseAccounts',
    'Microsoft.KeyVault/vaults',
    'Microsoft.Web/sites',
    'Microsoft.OperationalInsights/workspaces',
  ],
  exempt: {
    'Microsoft.Resources/resourceGroups': 'a container of resources; its activity log is the subscription\'s',
    'Microsoft.ManagedIdentity/userAssignedIdentities': 'no diagnostic settings exist for identities (sign-ins are in Entra ID logs)',
    'Microsoft.Insights/components': 'workspace-based: its telemetry already lands in the Log Analytics workspace',
    'Microsoft.Web/serverfarms': 'a Flex Consumption plan has no logs; its metrics are the function app\'s',
    'Microsoft.Authorization/roleAssignments': 'an extension resource; changes are in the activity log',
    'Microsoft.Insights/diagnosticSettings': 'the settings themselves',
    'Microsoft.Insights/actionGroups': 'alerting infrastructure without diagnostic settings',
    'Microsoft.Insights/scheduledQueryRules': 'alerting infrastructure without diagnostic settings',
    'Microsoft.Insights/metricAlerts': 'alerting infrastructure without diagnostic settings',
    'Microsoft.Insights/webtests': 'its results are availability records in Application Insights',
  },
};

const issue = (source: BicepSource, line: number, message: string): Issue => ({ check: 'rules', file: source.file, line, message });
const lineOf = (node: SyntaxNode): number => node.startPosition.row + 1;
const where = (r: ResourceDecl): string => `${r.symbol} (${r.fullType})`;

/** The literal of a node after following variables and module params, or undefined. */
function literalAfter(project: InfraProject, source: BicepSource, node: SyntaxNode): ReturnType<typeof literalOf> {
  const resolved = resolveValue(project, source, node);
  return literalOf(resolved.node);
}

function boolAt(project: InfraProject, located: Located, path: string[]): { node: SyntaxNode | undefined; value: boolean | undefined } {
  const node = located.resource.body && objectPath(located.resource.body, path);
  const literal = node ? literalAfter(project, located.source, node) : undefined;
  return { node, value: literal?.kind === 'bool' ? literal.value : undefined };
}

/** Declared children of `parent` of a given full type: nested ones and those naming it in `parent:`. */
function childrenOf(project: InfraProject, parent: Located, type: string): Located[] {
  return ofType(project, type).filter(({ resource, source }) => {
    if (source !== parent.source) return false;
    if (resource.nestedIn === parent.resource) return true;
    const parentNode = resource.body && objectGet(resource.body, 'parent');
    return parentNode !== undefined && scopeTarget(source, parentNode) === parent.resource;
  });
}

function checkSoftDelete(project: InfraProject): Issue[] {
  const issues: Issue[] = [];
  for (const account of ofType(project, 'Microsoft.Storage/storageAccounts')) {
    const services = childrenOf(project, account, 'Microsoft.Storage/storageAccounts/blobServices');
    if (services.length === 0) {
      issues.push(issue(account.source, account.resource.line, `${where(account.resource)} declares no blobServices, so blob and container soft delete stay off; declare blobServices 'default' with deleteRetentionPolicy and containerDeleteRetentionPolicy enabled`));
    }
  }
  for (const services of ofType(project, 'Microsoft.Storage/storageAccounts/blobServices')) {
    for (const policy of ['deleteRetentionPolicy', 'containerDeleteRetentionPolicy']) {
      const { node, value } = boolAt(project, services, ['properties', policy, 'enabled']);
      if (value !== true) {
        issues.push(issue(services.source, node ? lineOf(node) : services.resource.line, `${where(services.resource)} must set properties.${policy}.enabled: true (soft delete)`));
      }
    }
  }
  return issues;
}

/** The literal value of an app setting (e.g. ArchiveContainer), followed through params and vars. */
function appSettingLiteral(project: InfraProject, name: string): string | undefined {
  for (const { resource, source } of ofType(project, 'Microsoft.Web/sites/config')) {
    const props = resource.body && objectGet(resource.body, 'properties');
    const node = props?.type === 'object' ? objectGet(props, name) : undefined;
    if (!node) continue;
    const literal = literalAfter(project, source, node);
    if (literal.kind === 'string') return literal.value;
  }
  return undefined;
}

/**
 * A locked policy can only be extended (with az), never re-declared, so the template may skip it
 * once ops locked it: `if (!archiveRetentionLocked)`, a bool param whose name ends in Locked.
 */
function lockedCondition(policy: Located): boolean {
  const ifStatement = policy.resource.body?.parent;
  const condition = ifStatement?.type === 'if_statement' ? ifStatement.namedChildren[0]?.text : undefined;
  const param = /^\(\s*!\s*([A-Za-z_][A-Za-z0-9_]*Locked)\s*\)$/.exec(condition ?? '')?.[1];
  return param !== undefined && policy.source.model.params.get(param)?.primitive === 'bool';
}

function checkArchiveRetention(project: InfraProject): Issue[] {
  const archiveName = appSettingLiteral(project, 'ArchiveContainer') ?? 'archive';
  const containers = ofType(project, 'Microsoft.Storage/storageAccounts/blobServices/containers').filter(({ resource, source }) => {
    const name = resource.body && objectGet(resource.body, 'name');
    const literal = name ? literalAfter(project, source, name) : undefined;
    return literal?.kind === 'string' && literal.value === archiveName;
  });
  if (containers.length === 0) {
    return [{ check: 'rules', file: 'main.bicep', line: 1, message: `no blob container named '${archiveName}' (the ArchiveContainer app setting) declared with a literal name; its retention policy cannot be checked` }];
  }
  const issues: Issue[] = [];
  for (const container of containers) {
    const policies = childrenOf(project, container, 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies');
    if (policies.length === 0) {
      issues.push(issue(container.source, container.resource.line, `archive container ${where(container.resource)} has no time-based retention policy (immutabilityPolicies 'default' with immutabilityPeriodSinceCreationInDays)`));
      continue;
    }
    for (const policy of policies) {
      const days = policy.resource.body && objectPath(policy.resource.body, ['properties', 'immutabilityPeriodSinceCreationInDays']);
      if (!days) issues.push(issue(policy.source, policy.resource.line, `${where(policy.resource)} must set properties.immutabilityPeriodSinceCreationInDays`));
      else if (policy.resource.conditional && !lockedCondition(policy)) {
        issues.push(issue(policy.source, policy.resource.line, `${where(policy.resource)} is only deployed conditionally; the archive needs it always (the one allowed condition is \`if (!<bool param>Locked)\`, for a policy locked by hand)`));
      }
    }
  }
  return issues;
}

function checkContinuousBackup(project: InfraProject): Issue[] {
  const issues: Issue[] = [];
  for (const account of ofType(project, 'Microsoft.DocumentDB/databaseAccounts')) {
    const node = account.resource.body && objectPath(account.resource.body, ['properties', 'backupPolicy', 'type']);
    const literal = node ? literalAfter(project, account.source, node) : undefined;
    if (literal?.kind !== 'string' || literal.value !== 'Continuous') {
      issues.push(issue(account.source, node ? lineOf(node) : account.resource.line, `${where(account.resource)} must set properties.backupPolicy.type: 'Continuous' (point-in-time restore)`));
    }
  }
  return issues;
}

function checkDiagnostics(project: InfraProject, rules: DiagnosticsRules): Issue[] {
  const issues: Issue[] = [];
  const settings = ofType(project, 'Microsoft.Insights/diagnosticSettings');
  const lower = (t: string) => t.toLowerCase();
  const diagnosed = new Set(rules.diagnosed.map(lower));
  const exempt = new Set(Object.keys(rules.exempt).map(lower));
  for (const setting of settings) {
    const workspace = setting.resource.body && objectPath(setting.resource.body, ['properties', 'workspaceId']);
    if (!workspace) issues.push(issue(setting.source, setting.resource.line, `${where(setting.resource)} sends nowhere: set properties.workspaceId (the Log Analytics workspace)`));
  }
  for (const source of project.files.values()) {
    for (const resource of source.model.resources) {
      if (resource.existing) continue;
      const type = lower(resource.fullType);
      const topLevel = resource.fullType.split('/').length === 2;
      if (!diagnosed.has(type)) {
        if (topLevel && !exempt.has(type)) {
          issues.push(issue(source, resource.line, `${where(resource)}: no diagnostics decision for this resource type; add a diagnostic setting and list the type in DIAGNOSTICS_RULES.diagnosed (tools/bicep/checkDataProtection.ts), or exempt it there with the reason`));
        }
        continue;
      }
      const covered = settings.some((s) => {
        const scope = s.resource.body && objectGet(s.resource.body, 'scope');
        return s.source === source && scope !== undefined && scopeTarget(source, scope) === resource;
      });
      if (!covered) {
        issues.push(issue(source, resource.line, `${where(resource)} has no diagnostic setting (Microsoft.Insights/diagnosticSettings with scope: ${resource.symbol}) sending its logs and metrics to Log Analytics`));
      }
    }
  }
  return issues;
}

function checkBasicPublishing(project: InfraProject): Issue[] {
  const issues: Issue[] = [];
  for (const site of ofType(project, 'Microsoft.Web/sites')) {
    const policies = childrenOf(project, site, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies');
    for (const kind of ['ftp', 'scm']) {
      const policy = policies.find(({ resource }) => {
        const name = resource.body && objectGet(resource.body, 'name');
        return name !== undefined && stringValue(name) === kind;
      });
      if (!policy) {
        issues.push(issue(site.source, site.resource.line, `${where(site.resource)} leaves ${kind.toUpperCase()} basic publishing credentials on: declare basicPublishingCredentialsPolicies '${kind}' with allow: false`));
        continue;
      }
      const { node, value } = boolAt(project, policy, ['properties', 'allow']);
      if (value !== false) issues.push(issue(policy.source, node ? lineOf(node) : policy.resource.line, `${where(policy.resource)} must set properties.allow: false (basic ${kind.toUpperCase()} publishing credentials off)`));
    }
  }
  return issues;
}

/** Every string literal a value can be built from: through vars, params (their defaults too) and the callers' arguments. */
function reachableStrings(project: InfraProject, source: BicepSource, node: SyntaxNode, seen = new Set<string>()): { text: string; source: BicepSource; node: SyntaxNode }[] {
  const found: { text: string; source: BicepSource; node: SyntaxNode }[] = [];
  for (const s of findNodes(node, (n) => n.type === 'string')) {
    for (const part of s.namedChildren.filter((c) => c.type === 'string_content')) found.push({ text: part.text, source, node: s });
  }
  for (const id of findNodes(node, (n) => n.type === 'identifier')) {
    const key = `${source.file}#${id.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const variable = source.model.vars.get(id.text);
    if (variable) found.push(...reachableStrings(project, source, variable, seen));
    const param = source.model.params.get(id.text);
    if (param) {
      if (param.defaultNode) found.push(...reachableStrings(project, source, param.defaultNode, seen));
      for (const { mod, source: caller } of callersOf(project, source.file)) {
        const params = mod.body && objectGet(mod.body, 'params');
        const argument = params?.type === 'object' ? objectGet(params, id.text) : undefined;
        if (argument) found.push(...reachableStrings(project, caller, argument, seen));
      }
    }
  }
  return found;
}

function checkCors(project: InfraProject): Issue[] {
  const issues: Issue[] = [];
  const targets: { located: Located; node: SyntaxNode }[] = [];
  for (const site of ofType(project, 'Microsoft.Web/sites')) {
    const node = site.resource.body && objectPath(site.resource.body, ['properties', 'siteConfig', 'cors', 'allowedOrigins']);
    if (node) targets.push({ located: site, node });
  }
  for (const config of ofType(project, 'Microsoft.Web/sites/config')) {
    const node = config.resource.body && objectPath(config.resource.body, ['properties', 'cors', 'allowedOrigins']);
    if (node) targets.push({ located: config, node });
  }
  for (const { located, node } of targets) {
    const wildcard = reachableStrings(project, located.source, node).find((s) => s.text.includes('*'));
    if (wildcard) {
      issues.push(
        issue(located.source, lineOf(node), `${where(located.resource)} CORS allowedOrigins can hold '${wildcard.text}' (from ${wildcard.source.file}:${lineOf(wildcard.node)}): list exact origins, never a wildcard`),
      );
    }
  }
  return issues;
}

export function checkDataProtection(project: InfraProject, diagnostics: DiagnosticsRules = DIAGNOSTICS_RULES): Issue[] {
  return [
    ...checkSoftDelete(project),
    ...checkArchiveRetention(project),
    ...checkContinuousBackup(project),
    ...checkDiagnostics(project, diagnostics),
    ...checkBasicPublishing(project),
    ...checkCors(project),
  ];
}
