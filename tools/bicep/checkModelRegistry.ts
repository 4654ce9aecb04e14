// The model registry's write separation (docs/deploy.md, "Two apps"): the serving app only reads
// models, and only the training app trains. Every function of an app can use every identity the
// app has, and a disabled function still runs when called with the master key, so the rule is on
// both the identity and the app:
//   - a serving app's identity has no writing data role on the models container, and has Reader
//     there (or it could not load a model);
//   - a serving app sets ModelRegistryAccess to 'read' and switches every training function off
//     (AzureWebJobs.<function>.Disabled is 'true');
//   - a training app switches every other function off (AzureWebJobs.<function>.Disabled of each
//     function it lists is 'true'), so it serves nothing with its writing identity.
// The function app module is deployed once per role, so each deployment is evaluated with its own
// module arguments (`role`, the identity, the settings' inputs): see evaluateIn.
import type { SyntaxNode } from 'tree-sitter';
import type { BicepSource, InfraProject } from './infraProject';
import type { Issue } from './issues';
import { objectEntries, objectGet, objectPath, stringValue } from './literals';
import { callersOf, grants, ofType, originOf, resolveValue, scopeTarget, type Located } from './ruleHelpers';

export const STORAGE_BLOB_WRITERS: Record<string, string> = {
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': 'Storage Blob Data Owner',
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': 'Storage Blob Data Contributor',
};
export const STORAGE_BLOB_READER = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';

export interface ModelRegistryRules {
  /** The functions that train and write models; they run only in the training app. */
  trainingFunctions: readonly string[];
}

/** A module argument: the expression the caller passes and where it is written. */
interface Binding {
  node: SyntaxNode;
  source: BicepSource;
  bindings: Bindings;
}
type Bindings = Map<string, Binding>;
type Value = string | number | boolean | undefined;

function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildren[0]) current = current.namedChildren[0];
  return current;
}

const operatorOf = (node: SyntaxNode) => node.children.find((c) => !c.isNamed)?.text;

/**
 * The value of an expression in one deployment of its file: parameters are the caller's arguments
 * (`bindings`), or their default when none is passed; a parameter of the entry template (set by
 * the parameters file) and anything beyond literals, variables, comparisons, `!`, `&&`, `||` and
 * `?:` is unknown (undefined). `false && unknown` is false and `true || unknown` true, so a
 * role-guarded expression has a value whatever the other inputs are.
 */
export function evaluateIn(project: InfraProject, source: BicepSource, node: SyntaxNode, bindings: Bindings, depth = 0): Value {
  if (depth > 40) return undefined;
  const current = unwrap(node);
  const again = (n: SyntaxNode, s = source, b = bindings) => evaluateIn(project, s, n, b, depth + 1);
  switch (current.type) {
    case 'string': {
      const plain = stringValue(current);
      if (plain !== undefined) return plain;
      let out = '';
      for (const part of current.namedChildren) {
        if (part.type !== 'interpolation') {
          // Escapes inside an interpolated string: not needed by any rule; unknown.
          if (part.type !== 'string_content') return undefined;
          out += part.text;
          continue;
        }
        const inner = part.namedChildren[0];
        const value = inner ? again(inner) : undefined;
        if (value === undefined) return undefined;
        out += String(value);
      }
      return out;
    }
    case 'boolean':
      return current.text === 'true';
    case 'number':
      return Number(current.text);
    case 'identifier': {
      const name = current.text;
      const variable = source.model.vars.get(name);
      if (variable) return again(variable);
      const param = source.model.params.get(name);
      if (!param) return undefined;
      const bound = bindings.get(name);
      if (bound) return again(bound.node, bound.source, bound.bindings);
      // An entry-template parameter comes from the parameters file: unknown here.
      if (callersOf(project, source.file).length === 0) return undefined;
      return param.defaultNode ? again(param.defaultNode) : undefined;
    }
    case 'unary_expression': {
      const arg = current.namedChildren[0];
      const value = arg ? again(arg) : undefined;
      return operatorOf(current) === '!' && typeof value === 'boolean' ? !value : undefined;
    }
    case 'binary_expression': {
      const [left, right] = current.namedChildren;
      const op = operatorOf(current);
      if (!left || !right) return undefined;
      const l = again(left);
      if (op === '&&' && l === false) return false;
      if (op === '||' && l === true) return true;
      const r = again(right);
      if (op === '&&') return r === false ? false : l === true && r === true ? true : undefined;
      if (op === '||') return r === true ? true : l === false && r === false ? false : undefined;
      if (l === undefined || r === undefined) return undefined;
      if (op === '==') return l === r;
      if (op === '!=') return l !== r;
      return undefined;
    }
    case 'ternary_expression': {
      const [condition, consequence, alternative] = current.namedChildren;
      const c = condition ? again(condition) : undefined;
      if (c === true && consequence) return again(consequence);
      if (c === false && alternative) return again(alternative);
      return undefined;
    }
    default:
      return undefined;
  }
}

/** One deployment of a function app: the site, and the arguments its module call passes. */
interface AppDeployment {
  site: Located;
  /** `<module symbol>` in the caller, or the site's own symbol in the entry template. */
  label: string;
  bindings: Bindings;
  callerFile: string;
  callerLine: number;
}

function deploymentsOf(project: InfraProject): AppDeployment[] {
  const out: AppDeployment[] = [];
  for (const site of ofType(project, 'Microsoft.Web/sites')) {
    const callers = callersOf(project, site.source.file);
    if (callers.length === 0) {
      out.push({ site, label: site.resource.symbol, bindings: new Map(), callerFile: site.source.file, callerLine: site.resource.line });
      continue;
    }
    for (const { mod, source } of callers) {
      const bindings: Bindings = new Map();
      const params = mod.body && objectGet(mod.body, 'params');
      if (params?.type === 'object') {
        for (const entry of objectEntries(params)) if (entry.key) bindings.set(entry.key, { node: entry.value, source, bindings: new Map() });
      }
      out.push({ site, label: `${source.file}#${mod.symbol}`, bindings, callerFile: source.file, callerLine: mod.line });
    }
  }
  return out;
}

/** The app settings entries (`config` named 'appsettings') nested in or parented to a site, by key. */
function appSettingsOf(project: InfraProject, site: Located): Map<string, SyntaxNode> {
  const settings = new Map<string, SyntaxNode>();
  for (const config of ofType(project, 'Microsoft.Web/sites/config')) {
    if (config.source !== site.source) continue;
    const body = config.resource.body;
    const name = body && objectGet(body, 'name');
    if (!name || stringValue(name) !== 'appsettings') continue;
    const parent = body && objectGet(body, 'parent');
    const belongs = config.resource.nestedIn === site.resource || (parent !== undefined && scopeTarget(config.source, parent) === site.resource);
    if (!belongs) continue;
    const props = objectGet(body, 'properties');
    if (props?.type !== 'object') continue;
    for (const entry of objectEntries(props)) if (entry.key) settings.set(entry.key, entry.value);
  }
  return settings;
}

/** Origin (`<file>#<symbol>`) of each user-assigned identity of the site in this deployment. */
function identityOrigins(project: InfraProject, app: AppDeployment): string[] {
  const assigned = app.site.resource.body && objectPath(app.site.resource.body, ['identity', 'userAssignedIdentities']);
  if (assigned?.type !== 'object') return [];
  const origins: string[] = [];
  for (const entry of objectEntries(assigned)) {
    const key = entry.keyNode.type === 'string' && entry.keyNode.namedChildren.length === 1 && entry.keyNode.namedChildren[0].type === 'interpolation' ? entry.keyNode.namedChildren[0].namedChildren[0] : entry.keyNode;
    if (!key) continue;
    const bound = key.type === 'identifier' ? app.bindings.get(key.text) : undefined;
    const origin = bound ? originOf(project, bound.source, bound.node) : originOf(project, app.site.source, key);
    if (origin) origins.push(origin);
  }
  return origins;
}

const ROLE_OF = (value: Value) => (value === 'training' ? 'training' : 'serving');

function roleOf(project: InfraProject, app: AppDeployment): 'serving' | 'training' {
  const roleNode = app.site.source.model.params.has('role') ? app.bindings.get('role') : undefined;
  return ROLE_OF(roleNode ? evaluateIn(project, roleNode.source, roleNode.node, roleNode.bindings) : undefined);
}

/**
 * Origins (`<file>#<symbol>`) of the identities only a training app runs as (none of them is also
 * a serving app's identity).
 */
export function trainingOnlyIdentityOrigins(project: InfraProject): Set<string> {
  const serving = new Set<string>();
  const training = new Set<string>();
  for (const app of deploymentsOf(project)) for (const o of identityOrigins(project, app)) (roleOf(project, app) === 'training' ? training : serving).add(o);
  return new Set([...training].filter((o) => !serving.has(o)));
}

export function checkModelRegistry(project: InfraProject, rules: ModelRegistryRules): Issue[] {
  const issues: Issue[] = [];
  const roleGrants = grants(project, 'Microsoft.Authorization/roleAssignments');
  for (const app of deploymentsOf(project)) {
    const role = roleOf(project, app);
    const settings = appSettingsOf(project, app.site);
    const value = (name: string): Value => {
      const node = settings.get(name);
      return node ? evaluateIn(project, app.site.source, node, app.bindings) : undefined;
    };
    const report = (message: string, file = app.callerFile, line = app.callerLine) => issues.push({ check: 'rules', file, line, message });
    const disabled = (fn: string) => value(`AzureWebJobs.${fn}.Disabled`) === 'true';

    if (role === 'training') {
      for (const name of settings.keys()) {
        const fn = /^AzureWebJobs\.(.+)\.Disabled$/.exec(name)?.[1];
        if (fn && !rules.trainingFunctions.includes(fn) && !disabled(fn)) {
          report(`training app ${app.label}: ${fn} is not switched off (AzureWebJobs.${fn}.Disabled must be 'true'); the app that writes models serves nothing`);
        }
      }
      continue;
    }

    const access = value('ModelRegistryAccess');
    if (access !== 'read') {
      report(`serving app ${app.label}: ModelRegistryAccess is ${access === undefined ? 'not shown to be' : `'${String(access)}', not`} 'read'; the serving app must refuse model writes`);
    }
    for (const fn of rules.trainingFunctions) {
      if (!disabled(fn)) {
        report(`serving app ${app.label}: training function ${fn} is enabled (AzureWebJobs.${fn}.Disabled must be 'true'); training runs in the training app only`);
      }
    }

    // The models container is the one the app's ModelsContainer setting names.
    const models = value('ModelsContainer');
    const identities = identityOrigins(project, app);
    let readers = 0;
    for (const grant of roleGrants) {
      const principal = grant.principalNode && originOf(project, grant.at.source, grant.principalNode);
      if (!principal || !identities.includes(principal)) continue;
      const target = scopeTarget(grant.at.source, grant.scopeNode);
      if (!target || target.fullType.toLowerCase() !== 'microsoft.storage/storageaccounts/blobservices/containers') continue;
      const nameNode = target.body && objectGet(target.body, 'name');
      const resolved = nameNode && resolveValue(project, grant.at.source, nameNode);
      const containerName = resolved && !resolved.openParam ? stringValue(resolved.node) : undefined;
      if (models === undefined || containerName !== models) continue;
      const writer = grant.roleIds.map((id) => STORAGE_BLOB_WRITERS[id]).find((n) => n !== undefined);
      if (writer) {
        report(
          `${grant.at.resource.symbol}: ${writer} on the models container for the serving app's identity (${principal}); it may only read models (Storage Blob Data Reader), the training app's identity writes them`,
          grant.at.source.file,
          grant.at.resource.line,
        );
      } else if (grant.roleIds.includes(STORAGE_BLOB_READER) && !grant.conditional) readers += 1;
    }
    if (identities.length > 0 && readers === 0) {
      report(`serving app ${app.label}: its identity has no unconditional Storage Blob Data Reader on the models container ('${String(models)}'); it could not load a model`);
    }
  }
  return issues;
}
