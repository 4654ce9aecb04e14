// Reads Bicep syntax nodes as literal values where they are literals; anything else is an expression.
import type { SyntaxNode } from 'tree-sitter';

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'object'; node: SyntaxNode }
  | { kind: 'array'; node: SyntaxNode }
  | { kind: 'interpolated' }
  | { kind: 'expression' };

/** Text of a string node, or undefined when it contains `${...}`. */
export function stringValue(node: SyntaxNode): string | undefined {
  if (node.type !== 'string') return undefined;
  let out = '';
  for (const child of node.namedChildren) {
    if (child.type === 'interpolation') return undefined;
    if (child.type === 'string_content') out += child.text;
    else if (child.type === 'escape_sequence') out += unescape(child.text);
  }
  return out;
}

function unescape(seq: string): string {
  const map: Record<string, string> = { "\\'": "'", '\\\\': '\\', '\\n': '\n', '\\r': '\r', '\\t': '\t', '\\$': '$' };
  return map[seq] ?? seq;
}

export function literalOf(node: SyntaxNode): Literal {
  switch (node.type) {
    case 'string': {
      const value = stringValue(node);
      return value === undefined ? { kind: 'interpolated' } : { kind: 'string', value };
    }
    case 'number':
      return { kind: 'int', value: Number(node.text) };
    case 'boolean':
      return { kind: 'bool', value: node.text === 'true' };
    case 'null':
      return { kind: 'null' };
    case 'object':
      return { kind: 'object', node };
    case 'array':
      return { kind: 'array', node };
    case 'unary_expression': {
      const arg = node.childForFieldName('argument');
      if (node.text.startsWith('-') && arg?.type === 'number') return { kind: 'int', value: -Number(arg.text) };
      return { kind: 'expression' };
    }
    case 'parenthesized_expression':
      return node.namedChildren[0] ? literalOf(node.namedChildren[0]) : { kind: 'expression' };
    default:
      return { kind: 'expression' };
  }
}

export interface ObjectEntry {
  /** Key text, or undefined when the key is an interpolated string. */
  key: string | undefined;
  keyNode: SyntaxNode;
  value: SyntaxNode;
}

/** Properties of an object literal, skipping nested resource declarations. */
export function objectEntries(objectNode: SyntaxNode): ObjectEntry[] {
  const entries: ObjectEntry[] = [];
  for (const prop of objectNode.namedChildren) {
    if (prop.type !== 'object_property') continue;
    const [keyNode, value] = prop.namedChildren;
    if (!keyNode || !value || keyNode.type === 'resource_declaration') continue;
    const key = keyNode.type === 'string' ? stringValue(keyNode) : keyNode.text;
    entries.push({ key, keyNode, value });
  }
  return entries;
}

export function objectGet(objectNode: SyntaxNode, key: string): SyntaxNode | undefined {
  return objectEntries(objectNode).find((entry) => entry.key === key)?.value;
}

/** Array items, skipping decorators. */
export function arrayItems(arrayNode: SyntaxNode): SyntaxNode[] {
  return arrayNode.namedChildren.filter((child) => child.type !== 'decorators' && child.type !== 'comment');
}

/** Follows a dotted path of object keys through literal objects. */
export function objectPath(objectNode: SyntaxNode, path: string[]): SyntaxNode | undefined {
  let current: SyntaxNode | undefined = objectNode;
  for (const key of path) {
    if (!current || current.type !== 'object') return undefined;
    current = objectGet(current, key);
  }
  return current;
}

/**
 * A literal object, array or scalar as a plain value (objects and arrays recursively), or
 * undefined where any part is an expression or an interpolated string.
 */
export function jsonValue(node: SyntaxNode): unknown {
  const literal = literalOf(node);
  switch (literal.kind) {
    case 'string':
    case 'int':
    case 'bool':
      return literal.value;
    case 'null':
      return null;
    case 'array': {
      const items = arrayItems(literal.node).map(jsonValue);
      return items.includes(undefined) ? undefined : items;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const { key, value } of objectEntries(literal.node)) {
        const v = jsonValue(value);
        if (key === undefined || v === undefined) return undefined;
        out[key] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}
