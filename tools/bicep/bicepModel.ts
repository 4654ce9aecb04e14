// Turns a Bicep syntax tree into the declarations the checks need: params, vars, resources
// (with nested children resolved to their full type), modules and outputs.
import type { SyntaxNode, Tree } from 'tree-sitter';
import { stringValue } from './literals';

export interface ParamDecl {
  name: string;
  line: number;
  hasDefault: boolean;
  nullable: boolean;
  node: SyntaxNode;
  defaultNode: SyntaxNode | undefined;
  /** `string`, `int`, `bool`, `object` or `array` when declared as one (nullable or not). */
  primitive: string | undefined;
  /** Items of `@allowed([...])`, when the param has one. */
  allowed: SyntaxNode[] | undefined;
}

export interface ResourceDecl {
  symbol: string;
  line: number;
  /** Type as written, e.g. `config` for a nested child or `Microsoft.Web/sites@2024-11-01`. */
  writtenType: string;
  /** Full type, e.g. `Microsoft.Web/sites/config`. */
  fullType: string;
  apiVersion: string | undefined;
  existing: boolean;
  conditional: boolean;
  loop: boolean;
  /** The object literal body (inside `if (...)` or a `for` when present). */
  body: SyntaxNode | undefined;
  /** Enclosing resource for a nested declaration. */
  nestedIn: ResourceDecl | undefined;
}

export interface ModuleDecl {
  symbol: string;
  line: number;
  path: string;
  conditional: boolean;
  body: SyntaxNode | undefined;
}

export interface BicepModel {
  params: Map<string, ParamDecl>;
  vars: Map<string, SyntaxNode>;
  resources: ResourceDecl[];
  modules: ModuleDecl[];
  outputs: Set<string>;
}

const FULL_TYPE = /^[A-Za-z][A-Za-z0-9]*\.[A-Za-z0-9.]+\//;

function lineOf(node: SyntaxNode): number {
  return node.startPosition.row + 1;
}

function splitType(written: string): { type: string; apiVersion: string | undefined } {
  const at = written.indexOf('@');
  return at < 0 ? { type: written, apiVersion: undefined } : { type: written.slice(0, at), apiVersion: written.slice(at + 1) };
}

/** The object body of a resource/module, looking through `if (...)` and `[for ...: {...}]`. */
function declarationBody(decl: SyntaxNode): { body: SyntaxNode | undefined; conditional: boolean; loop: boolean } {
  for (const child of decl.namedChildren) {
    if (child.type === 'object') return { body: child, conditional: false, loop: false };
    if (child.type === 'if_statement') {
      return { body: child.namedChildren.find((c) => c.type === 'object'), conditional: true, loop: false };
    }
    if (child.type === 'for_statement') {
      const bodyNode = child.childForFieldName('body') ?? child.namedChildren[child.namedChildren.length - 1];
      if (bodyNode?.type === 'object') return { body: bodyNode, conditional: false, loop: true };
      if (bodyNode?.type === 'if_statement') {
        return { body: bodyNode.namedChildren.find((c) => c.type === 'object'), conditional: true, loop: true };
      }
      return { body: undefined, conditional: false, loop: true };
    }
  }
  return { body: undefined, conditional: false, loop: false };
}

function readResource(decl: SyntaxNode, nestedIn: ResourceDecl | undefined, out: ResourceDecl[]): void {
  const symbol = decl.namedChildren.find((c) => c.type === 'identifier')?.text ?? '?';
  const typeNode = decl.namedChildren.find((c) => c.type === 'string');
  const writtenType = (typeNode && stringValue(typeNode)) ?? '';
  const { type, apiVersion } = splitType(writtenType);
  const isFull = FULL_TYPE.test(writtenType);
  const fullType = isFull || !nestedIn ? type : `${nestedIn.fullType}/${type}`;
  const existing = decl.children.some((c) => !c.isNamed && c.type === 'existing');
  const { body, conditional, loop } = declarationBody(decl);
  const resource: ResourceDecl = {
    symbol,
    line: lineOf(decl),
    writtenType,
    fullType,
    apiVersion: apiVersion ?? (isFull ? undefined : nestedIn?.apiVersion),
    existing,
    conditional,
    loop,
    body,
    nestedIn,
  };
  out.push(resource);
  if (body) {
    for (const prop of body.namedChildren) {
      const nested = prop.type === 'object_property' ? prop.namedChildren[0] : undefined;
      if (nested?.type === 'resource_declaration') readResource(nested, resource, out);
    }
  }
}

/** Items of the `@allowed([...])` decorator before a param, or undefined without one. */
function allowedItems(decl: SyntaxNode): SyntaxNode[] | undefined {
  const decorators = decl.previousNamedSibling;
  if (decorators?.type !== 'decorators') return undefined;
  for (const decorator of decorators.namedChildren) {
    const call = decorator.namedChildren.find((c) => c.type === 'call_expression');
    if (call?.childForFieldName('function')?.text !== 'allowed') continue;
    const list = call.childForFieldName('arguments')?.namedChildren[0];
    if (list?.type === 'array') return list.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'decorators');
  }
  return undefined;
}

function readParam(decl: SyntaxNode): ParamDecl {
  const [nameNode, typeNode, defaultNode] = decl.namedChildren;
  const typeInner = typeNode?.namedChildren[0];
  const primitive = typeInner?.type === 'nullable_type' ? typeInner.namedChildren[0] : typeInner;
  return {
    primitive: primitive?.type === 'primitive_type' ? primitive.text : undefined,
    allowed: allowedItems(decl),
    name: nameNode?.text ?? '?',
    line: lineOf(decl),
    hasDefault: defaultNode !== undefined,
    node: decl,
    defaultNode,
    nullable: typeNode?.namedChildren.some((c) => c.type === 'nullable_type') ?? false,
  };
}

export function buildModel(tree: Tree): BicepModel {
  const model: BicepModel = { params: new Map(), vars: new Map(), resources: [], modules: [], outputs: new Set() };
  for (const node of tree.rootNode.namedChildren) {
    switch (node.type) {
      case 'parameter_declaration': {
        const param = readParam(node);
        model.params.set(param.name, param);
        break;
      }
      case 'variable_declaration': {
        const [nameNode, value] = node.namedChildren;
        if (nameNode && value) model.vars.set(nameNode.text, value);
        break;
      }
      case 'resource_declaration':
        readResource(node, undefined, model.resources);
        break;
      case 'module_declaration': {
        const symbol = node.namedChildren.find((c) => c.type === 'identifier')?.text ?? '?';
        const pathNode = node.namedChildren.find((c) => c.type === 'string');
        const { body, conditional } = declarationBody(node);
        model.modules.push({ symbol, line: lineOf(node), path: (pathNode && stringValue(pathNode)) ?? '', conditional, body });
        break;
      }
      case 'output_declaration': {
        const nameNode = node.namedChildren.find((c) => c.type === 'identifier');
        if (nameNode) model.outputs.add(nameNode.text);
        break;
      }
      default:
        break;
    }
  }
  return model;
}

/** Every node in the subtree that satisfies `match` (depth first). */
export function findNodes(root: SyntaxNode, match: (node: SyntaxNode) => boolean): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const visit = (node: SyntaxNode): void => {
    if (match(node)) found.push(node);
    for (const child of node.namedChildren) visit(child);
  };
  visit(root);
  return found;
}
