// Transport security rules: TLS 1.2 or newer and HTTPS only, on every resource that takes
// traffic. The schema check only knows what a property may hold (TLS1_0 is a valid value); these
// say what this deployment must hold. A value is followed through variables and module params to
// the literal it comes from (both branches of a `cond ? a : b`); one that stays an expression
// cannot be verified offline and is reported too.
import type { SyntaxNode } from 'tree-sitter';
import type { BicepSource, InfraProject } from './infraProject';
import type { Issue } from './issues';
import { literalOf, objectGet, objectPath, stringValue } from './literals';
import { ofType, resolveValue } from './ruleHelpers';

export interface SecuritySetting {
  /** Resource type the rule applies to (declared resources, not `existing`). */
  type: string;
  /** Only resources whose literal `name` is this (for `Microsoft.Web/sites/config` 'web'). */
  name?: string;
  path: string[];
  /** Literal values that pass. */
  accepted: (string | boolean)[];
  /** Whether leaving the property out fails (the service default is not good enough, or varies by apiVersion). */
  required: boolean;
}

export const SECURITY_SETTINGS: SecuritySetting[] = [
  // Storage: older apiVersions create accounts with TLS 1.0 when the property is left out.
  { type: 'Microsoft.Storage/storageAccounts', path: ['properties', 'minimumTlsVersion'], accepted: ['TLS1_2', 'TLS1_3'], required: true },
  { type: 'Microsoft.Storage/storageAccounts', path: ['properties', 'supportsHttpsTrafficOnly'], accepted: [true], required: false },
  // Web sites (the function app): plain HTTP is allowed unless httpsOnly is true.
  { type: 'Microsoft.Web/sites', path: ['properties', 'httpsOnly'], accepted: [true], required: true },
  { type: 'Microsoft.Web/sites', path: ['properties', 'siteConfig', 'minTlsVersion'], accepted: ['1.2', '1.3'], required: false },
  { type: 'Microsoft.Web/sites', path: ['properties', 'siteConfig', 'scmMinTlsVersion'], accepted: ['1.2', '1.3'], required: false },
  { type: 'Microsoft.Web/sites/config', name: 'web', path: ['properties', 'minTlsVersion'], accepted: ['1.2', '1.3'], required: false },
  { type: 'Microsoft.Web/sites/config', name: 'web', path: ['properties', 'scmMinTlsVersion'], accepted: ['1.2', '1.3'], required: false },
  { type: 'Microsoft.EventHub/namespaces', path: ['properties', 'minimumTlsVersion'], accepted: ['1.2', '1.3'], required: true },
  { type: 'Microsoft.DocumentDB/databaseAccounts', path: ['properties', 'minimalTlsVersion'], accepted: ['Tls12', 'Tls13'], required: true },
];

function show(value: string | boolean): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** The literal values a node can take, or undefined where one of them is not a literal. */
function possibleValues(project: InfraProject, source: BicepSource, node: SyntaxNode, depth = 0): (string | boolean)[] | undefined {
  const resolved = resolveValue(project, source, node);
  if (resolved.node.type === 'ternary_expression' && depth < 10) {
    const branches = ['consequence', 'alternative'].map((f) => resolved.node.childForFieldName(f));
    const values = branches.map((b) => (b ? possibleValues(project, resolved.source, b, depth + 1) : undefined));
    return values.some((v) => v === undefined) ? undefined : values.flatMap((v) => v ?? []);
  }
  const literal = literalOf(resolved.node);
  return literal.kind === 'string' || literal.kind === 'bool' ? [literal.value] : undefined;
}

export function checkSecurity(project: InfraProject, settings: SecuritySetting[] = SECURITY_SETTINGS): Issue[] {
  const issues: Issue[] = [];
  for (const setting of settings) {
    for (const { resource, source } of ofType(project, setting.type)) {
      if (!resource.body) continue;
      if (setting.name !== undefined) {
        const nameNode = objectGet(resource.body, 'name');
        if (!nameNode || stringValue(nameNode) !== setting.name) continue;
      }
      const where = `${resource.symbol} (${resource.fullType})`;
      const want = `${setting.path.join('.')}: ${setting.accepted.map(show).join(' or ')}`;
      const report = (line: number, found: string): void => {
        issues.push({ check: 'rules', file: source.file, line, message: `${where} must set ${want} (${found})` });
      };
      const node = objectPath(resource.body, setting.path);
      if (!node) {
        if (setting.required) report(resource.line, 'not set');
        continue;
      }
      const line = node.startPosition.row + 1;
      const values = possibleValues(project, source, node);
      if (!values) {
        report(line, `found the expression ${node.text.slice(0, 60)}, which cannot be checked offline; use a literal`);
        continue;
      }
      const bad = values.filter((v) => !setting.accepted.includes(v));
      if (bad.length > 0) report(line, `found ${bad.map(show).join(', ')}`);
    }
  }
  return issues;
}
