// Shared lookups for the project rules: resources across files, role assignments, and where a
// value comes from when it is passed through variables and module parameters.
import * as path from 'node:path';
import type { SyntaxNode } from 'tree-sitter';
import { findNodes, type ModuleDecl, type ResourceDecl } from './bicepModel';
import type { BicepSource, InfraProject } from './infraProject';
import { objectGet, objectPath, stringValue } from './literals';

export interface Located {
  resource: ResourceDecl;
  source: BicepSource;
}

export function allResources(project: InfraProject): Located[] {
  return [...project.files.values()].flatMap((source) => source.model.resources.map((resource) => ({ resource, source })));
}

/** Declared (not `existing`) resources of a type, in every file. */
export function ofType(project: InfraProject, type: string): Located[] {
  return allResources(project).filter((r) => !r.resource.existing && r.resource.fullType.toLowerCase() === type.toLowerCase());
}

/** Text of an expression with the file's variables it names expanded (recursively). */
export function expandedText(node: SyntaxNode, source: BicepSource, seen = new Set<string>()): string {
  let text = node.text;
  for (const id of findNodes(node, (n) => n.type === 'identifier')) {
    const value = source.model.vars.get(id.text);
    if (value && !seen.has(id.text)) {
      seen.add(id.text);
      text += ` ${expandedText(value, source, seen)}`;
    }
  }
  return text;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export interface Grant {
  roleIds: string[];
  /** The principalId expression as written. */
  principal: string;
  principalNode: SyntaxNode | undefined;
  scopeNode: SyntaxNode | undefined;
  conditional: boolean;
  at: Located;
}

export function grants(project: InfraProject, type: string): Grant[] {
  return ofType(project, type).map((at) => {
    const body = at.resource.body;
    const roleNode = body && objectPath(body, ['properties', 'roleDefinitionId']);
    const principalNode = body && objectPath(body, ['properties', 'principalId']);
    const roleText = roleNode ? expandedText(roleNode, at.source) : '';
    return {
      roleIds: (roleText.match(GUID) ?? []).map((g) => g.toLowerCase()),
      principal: principalNode?.text ?? '',
      principalNode,
      scopeNode: body && objectGet(body, 'scope'),
      conditional: at.resource.conditional,
      at,
    };
  });
}

/** Modules (in any file) that deploy `file`, with the file they are declared in. */
export function callersOf(project: InfraProject, file: string): { mod: ModuleDecl; source: BicepSource }[] {
  const found: { mod: ModuleDecl; source: BicepSource }[] = [];
  for (const source of project.files.values()) {
    for (const mod of source.model.modules) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(source.file), mod.path));
      if (target === file) found.push({ mod, source });
    }
  }
  return found;
}

/** The node itself, without surrounding parentheses. */
function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildren[0]) current = current.namedChildren[0];
  return current;
}

/** A string that is exactly one interpolation (`'${x}'`) stands for the expression inside it. */
function soleInterpolation(node: SyntaxNode): SyntaxNode | undefined {
  if (node.type !== 'string') return undefined;
  const parts = node.namedChildren;
  if (parts.length === 1 && parts[0].type === 'interpolation') return parts[0].namedChildren[0];
  return undefined;
}

export interface Resolved {
  node: SyntaxNode;
  source: BicepSource;
  /** Set when the value ends in a parameter no module passes (a parameter of the entry template). */
  openParam?: string;
}

/**
 * Follows a value through the file's variables and, for a parameter, to the argument the calling
 * module passes (first caller), until it is something else: a literal, a call, a member access, or
 * a parameter nobody passes.
 */
export function resolveValue(project: InfraProject, source: BicepSource, node: SyntaxNode, depth = 0): Resolved {
  const current = unwrap(node);
  const inner = soleInterpolation(current);
  if (inner && depth < 20) return resolveValue(project, source, inner, depth + 1);
  if (current.type !== 'identifier' || depth >= 20) return { node: current, source };
  const name = current.text;
  const variable = source.model.vars.get(name);
  if (variable) return resolveValue(project, source, variable, depth + 1);
  if (source.model.params.has(name)) {
    for (const { mod, source: caller } of callersOf(project, source.file)) {
      const params = mod.body && objectGet(mod.body, 'params');
      const argument = params && params.type === 'object' ? objectGet(params, name) : undefined;
      if (argument) return resolveValue(project, caller, argument, depth + 1);
    }
    return { node: current, source, openParam: `${source.file}:${name}` };
  }
  return { node: current, source };
}

/**
 * Where a value comes from, as `<file>#<symbol>` of the resource or module declaration it is read
 * from (`appIdentity.outputs.principalId` and `appIdentity.outputs.id` both give
 * `main.bicep#appIdentity`), or undefined when it cannot be traced.
 */
export function originOf(project: InfraProject, source: BicepSource, node: SyntaxNode, depth = 0): string | undefined {
  const resolved = resolveValue(project, source, node);
  if (resolved.openParam) return `param:${resolved.openParam}`;
  let root = resolved.node;
  while (root.type === 'member_expression') {
    const object = root.childForFieldName('object');
    if (!object) break;
    root = unwrap(object);
  }
  if (root.type !== 'identifier') return undefined;
  const model = resolved.source.model;
  const declared = model.resources.some((r) => r.symbol === root.text && !r.nestedIn) || model.modules.some((m) => m.symbol === root.text);
  if (declared) return `${resolved.source.file}#${root.text}`;
  // `someVar.outputs.x` / `someParam.id`: follow the variable or parameter the access starts from.
  const followable = model.vars.has(root.text) || model.params.has(root.text);
  return followable && root !== resolved.node && depth < 20 ? originOf(project, resolved.source, root, depth + 1) : undefined;
}

/** The resource a `scope:` expression names, when it is a resource symbol of the same file. */
export function scopeResource(source: BicepSource, scopeNode: SyntaxNode | undefined): ResourceDecl | undefined {
  if (!scopeNode) return undefined;
  const node = unwrap(scopeNode);
  if (node.type !== 'identifier') return undefined;
  return source.model.resources.find((r) => r.symbol === node.text && !r.nestedIn);
}

/**
 * The resource a `scope:` or `parent:` expression names in the same file: a top-level symbol
 * (`vault`) or a nested one (`storage::blobServices`).
 */
export function scopeTarget(source: BicepSource, node: SyntaxNode | undefined): ResourceDecl | undefined {
  if (!node) return undefined;
  const current = unwrap(node);
  if (current.type === 'identifier') return scopeResource(source, current);
  if (current.type !== 'resource_expression') return undefined;
  const [first, ...rest] = current.namedChildren.filter((c) => c.type === 'identifier');
  let found = first && source.model.resources.find((r) => r.symbol === first.text && !r.nestedIn);
  for (const part of rest) {
    const parent = found;
    found = parent && source.model.resources.find((r) => r.symbol === part.text && r.nestedIn === parent);
  }
  return found;
}

/** Literal string value of a node, or undefined. */
export function literalString(node: SyntaxNode | undefined): string | undefined {
  return node ? stringValue(unwrap(node)) : undefined;
}
