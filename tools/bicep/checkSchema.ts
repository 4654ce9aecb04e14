// Checks every resource against Azure's type definitions: type@apiVersion exists, property names
// exist with their exact case, no read-only property is set, required properties are present,
// enums (closed, and the listed values of extensible ones) and literal kinds match. Expressions are
// not evaluated; literals are, and so are the values a var, a param's @allowed list, or a module
// argument gives a property named by identifier.
import type { SyntaxNode } from 'tree-sitter';
import {
  ObjectTypePropertyFlags,
  BuiltInTypeKind,
  type ObjectTypeProperty,
  type TypeReference,
  type CrossFileTypeReference,
} from 'bicep-types';
import type { AzureTypes, TypeHandle } from './azureTypes';
import { findNodes, type ResourceDecl } from './bicepModel';
import type { BicepSource, InfraProject } from './infraProject';
import type { Issue } from './issues';
import { arrayItems, literalOf, objectEntries, objectGet, stringValue, type Literal } from './literals';
import { callersOf } from './ruleHelpers';

/** Keys Bicep itself handles on a resource body; they are not part of the ARM type. */
const BICEP_RESOURCE_KEYS = new Set(['parent', 'scope', 'dependsOn']);

type ValueKind = 'string' | 'int' | 'bool' | 'object' | 'array';

interface Properties {
  properties: Record<string, ObjectTypeProperty>;
  additional: TypeHandle | undefined;
  checkRequired: boolean;
}

/**
 * Where identifiers in a value are looked up: a var is checked by its value, a param by its
 * @allowed values and by what the modules deploying the file pass (or its default when none do),
 * as the compiler checks the declared type of each.
 */
interface ValueContext {
  project: InfraProject;
  source: BicepSource;
  /** `file#name` already being followed, against cycles. */
  following: Set<string>;
  /** The vars and params followed to get here, named in messages (`x in a.bicep ← y in main.bicep`). */
  via: string[];
}

class SchemaWalker {
  constructor(
    private readonly types: AzureTypes,
    private readonly file: string,
    readonly issues: Issue[],
    private readonly context?: ValueContext,
  ) {}

  private report(node: SyntaxNode, message: string): void {
    const via = this.context?.via.length ? ` (from ${this.context.via.join(' ← ')})` : '';
    this.issues.push({ check: 'schema', file: this.file, line: node.startPosition.row + 1, message: message + via });
  }

  private ref(ref: TypeReference | CrossFileTypeReference, from: TypeHandle): TypeHandle {
    return this.types.resolve(ref, from.file);
  }

  /** Runs a check into a scratch list, for trying union members. */
  private trial(run: (walker: SchemaWalker) => void): Issue[] {
    const scratch = new SchemaWalker(this.types, this.file, [], this.context);
    run(scratch);
    return scratch.issues;
  }

  checkValue(node: SyntaxNode, handle: TypeHandle, where: string, topLevel = false): void {
    if (node.type === 'parenthesized_expression' && node.namedChildren[0]) {
      return this.checkValue(node.namedChildren[0], handle, where, topLevel);
    }
    if (node.type === 'ternary_expression') {
      for (const field of ['consequence', 'alternative']) {
        const branch = node.childForFieldName(field);
        if (branch) this.checkValue(branch, handle, where);
      }
      return;
    }
    if (node.type === 'identifier') return this.checkSymbolValue(node.text, handle, where);
    const literal = literalOf(node);
    if (literal.kind === 'expression' || literal.kind === 'null') return;
    const type = handle.type;
    switch (type.type) {
      case 'AnyType':
        return;
      case 'BuiltInType':
        return this.checkBuiltIn(node, literal, type.kind, where);
      case 'StringType':
        if (literal.kind === 'interpolated') return;
        if (literal.kind !== 'string') return this.kindMismatch(node, literal, 'string', where);
        if (type.minLength !== undefined && literal.value.length < type.minLength) {
          this.report(node, `value at ${where} is shorter than ${type.minLength} characters`);
        }
        if (type.maxLength !== undefined && literal.value.length > type.maxLength) {
          this.report(node, `value at ${where} is longer than ${type.maxLength} characters`);
        }
        return;
      case 'IntegerType':
        if (literal.kind !== 'int') return this.kindMismatch(node, literal, 'int', where);
        if (type.minValue !== undefined && literal.value < type.minValue) {
          this.report(node, `value ${literal.value} at ${where} is below the minimum ${type.minValue}`);
        }
        if (type.maxValue !== undefined && literal.value > type.maxValue) {
          this.report(node, `value ${literal.value} at ${where} is above the maximum ${type.maxValue}`);
        }
        return;
      case 'BooleanType':
        if (literal.kind !== 'bool') this.kindMismatch(node, literal, 'bool', where);
        return;
      case 'StringLiteralType':
        if (literal.kind === 'interpolated') return;
        if (literal.kind !== 'string' || literal.value !== type.value) {
          this.report(node, `value ${describe(literal)} at ${where} is not allowed (allowed: '${type.value}')`);
        }
        return;
      case 'UnionType':
        return this.checkUnion(node, literal, type.elements.map((e) => this.ref(e, handle)), where);
      case 'ObjectType': {
        if (literal.kind !== 'object') return this.kindMismatch(node, literal, 'object', where);
        const additional = type.additionalProperties ? this.ref(type.additionalProperties, handle) : undefined;
        return this.checkObject(node, { properties: type.properties, additional, checkRequired: true }, handle, where, topLevel);
      }
      case 'DiscriminatedObjectType': {
        if (literal.kind !== 'object') return this.kindMismatch(node, literal, 'object', where);
        return this.checkDiscriminated(node, handle, where, topLevel);
      }
      case 'ArrayType': {
        if (literal.kind !== 'array') return this.kindMismatch(node, literal, 'array', where);
        const items = arrayItems(node);
        if (type.minLength !== undefined && items.length < type.minLength) {
          this.report(node, `array at ${where} needs at least ${type.minLength} items`);
        }
        if (type.maxLength !== undefined && items.length > type.maxLength) {
          this.report(node, `array at ${where} allows at most ${type.maxLength} items`);
        }
        const itemType = this.ref(type.itemType, handle);
        items.forEach((item, i) => this.checkValue(item, itemType, `${where}[${i}]`));
        return;
      }
      default:
        return;
    }
  }

  /** Checks what a var or param named in a property value can hold, in the file it comes from. */
  private checkSymbolValue(name: string, handle: TypeHandle, where: string): void {
    const context = this.context;
    if (!context || handle.type.type === 'AnyType') return;
    const key = `${context.source.file}#${name}`;
    if (context.following.has(key) || context.following.size > 20) return;
    const following = new Set([...context.following, key]);
    const via = [...context.via, `${name} in ${context.source.file}`];
    const at = (source: BicepSource): SchemaWalker =>
      new SchemaWalker(this.types, source.file, this.issues, { project: context.project, source, following, via });
    const variable = context.source.model.vars.get(name);
    if (variable) return at(context.source).checkValue(variable, handle, where);
    const param = context.source.model.params.get(name);
    if (!param) return;
    const allowed = param.allowed;
    for (const item of allowed ?? []) at(context.source).checkValue(item, handle, where);
    const callers = callersOf(context.project, context.source.file);
    let passed = false;
    for (const { mod, source } of callers) {
      const params = mod.body && objectGet(mod.body, 'params');
      const argument = params?.type === 'object' ? objectGet(params, name) : undefined;
      if (argument) {
        passed = true;
        at(source).checkValue(argument, handle, where);
      }
    }
    if (!passed && !allowed && param.defaultNode) at(context.source).checkValue(param.defaultNode, handle, where);
  }

  private checkBuiltIn(node: SyntaxNode, literal: Literal, kind: BuiltInTypeKind, where: string): void {
    const expected: Partial<Record<BuiltInTypeKind, ValueKind>> = {
      [BuiltInTypeKind.String]: 'string',
      [BuiltInTypeKind.Int]: 'int',
      [BuiltInTypeKind.Bool]: 'bool',
      [BuiltInTypeKind.Object]: 'object',
      [BuiltInTypeKind.Array]: 'array',
    };
    const want = expected[kind];
    if (want && !(literal.kind === 'interpolated' && want === 'string') && literal.kind !== want) {
      this.kindMismatch(node, literal, want, where);
    }
  }

  private kindMismatch(node: SyntaxNode, literal: Literal, want: ValueKind, where: string): void {
    if (literal.kind === 'interpolated' && want === 'string') return;
    this.report(node, `value ${describe(literal)} at ${where} should be ${want === 'int' ? 'an int' : `a ${want}`}`);
  }

  private checkUnion(node: SyntaxNode, literal: Literal, members: TypeHandle[], where: string): void {
    const accepts = (member: TypeHandle, kind: Literal['kind']): boolean => {
      const t = member.type;
      if (t.type === 'AnyType') return true;
      if (t.type === 'BuiltInType') return t.kind === BuiltInTypeKind.Any || valueKindOfBuiltIn(t.kind) === kind;
      const map: Record<string, Literal['kind']> = {
        StringType: 'string',
        StringLiteralType: 'string',
        IntegerType: 'int',
        BooleanType: 'bool',
        ObjectType: 'object',
        DiscriminatedObjectType: 'object',
        ArrayType: 'array',
      };
      return map[t.type] === kind;
    };
    const kind = literal.kind === 'interpolated' ? 'string' : literal.kind;
    const candidates = members.filter((m) => accepts(m, kind));
    if (candidates.length === 0) {
      const allowed = members.map((m) => (m.type.type === 'StringLiteralType' ? `'${m.type.value}'` : m.type.type));
      this.report(node, `value ${describe(literal)} at ${where} does not match any allowed type (${allowed.join(', ')})`);
      return;
    }
    if (literal.kind === 'string' || literal.kind === 'interpolated') {
      if (literal.kind === 'interpolated') return;
      const allowed = candidates.flatMap((m) => (m.type.type === 'StringLiteralType' ? [m.type.value] : []));
      const others = candidates.filter((m) => m.type.type !== 'StringLiteralType');
      if (allowed.length === 0 || allowed.includes(literal.value)) return;
      // Azure's "extensible enums" (x-ms-enum modelAsString) come out as the listed values plus a
      // plain `string`, so a union like '1.0' | '1.1' | '1.2' | string would take any text. Bicep
      // itself only warns there; here a literal must be one of the listed values of the pinned
      // apiVersion, which is how a typo such as minimumTlsVersion '1.7' is caught. A union whose
      // other members are real string shapes (a pattern or length bounds) stays open.
      if (others.some((m) => !isPlainString(m))) return;
      const list = allowed.map((a) => `'${a}'`).join(', ');
      this.report(node, `value '${literal.value}' at ${where} is not allowed (allowed: ${list})`);
      return;
    }
    // Objects/arrays: accept the member the value fits best.
    let best: Issue[] | undefined;
    for (const member of candidates) {
      const found = this.trial((w) => w.checkValue(node, member, where));
      if (!best || found.length < best.length) best = found;
      if (found.length === 0) break;
    }
    this.issues.push(...(best ?? []));
  }

  private checkDiscriminated(node: SyntaxNode, handle: TypeHandle, where: string, topLevel: boolean): void {
    const type = handle.type;
    if (type.type !== 'DiscriminatedObjectType') return;
    const discriminatorNode = objectGet(node, type.discriminator);
    const value = discriminatorNode ? stringValue(discriminatorNode) : undefined;
    const properties: Record<string, ObjectTypeProperty> = { ...type.baseProperties };
    let checkRequired = true;
    if (value !== undefined) {
      const elementRef = type.elements[value];
      if (!elementRef) {
        const allowed = Object.keys(type.elements).map((k) => `'${k}'`).join(', ');
        this.report(discriminatorNode ?? node, `value '${value}' at ${where}.${type.discriminator} is not allowed (allowed: ${allowed})`);
        return;
      }
      const element = this.ref(elementRef, handle);
      if (element.type.type === 'ObjectType') Object.assign(properties, element.type.properties);
      return this.checkObject(node, { properties, additional: undefined, checkRequired }, element, where, topLevel);
    }
    if (!discriminatorNode) {
      this.report(node, `missing required property "${type.discriminator}" at ${where}`);
    }
    // Discriminator is an expression: allow the properties of every variant, skip required checks.
    checkRequired = false;
    for (const ref of Object.values(type.elements)) {
      const element = this.ref(ref, handle);
      if (element.type.type === 'ObjectType') Object.assign(properties, element.type.properties);
    }
    this.checkObject(node, { properties, additional: undefined, checkRequired }, handle, where, topLevel);
  }

  private checkObject(node: SyntaxNode, shape: Properties, owner: TypeHandle, where: string, topLevel: boolean): void {
    const present = new Set<string>();
    const names = Object.keys(shape.properties);
    for (const entry of objectEntries(node)) {
      if (entry.key === undefined) {
        if (shape.additional) this.checkValue(entry.value, shape.additional, `${where}[*]`);
        continue;
      }
      if (topLevel && BICEP_RESOURCE_KEYS.has(entry.key)) continue;
      const path = `${where}.${entry.key}`;
      const prop = shape.properties[entry.key];
      if (prop) {
        present.add(entry.key);
        if (prop.flags & ObjectTypePropertyFlags.ReadOnly && !(prop.flags & ObjectTypePropertyFlags.Required)) {
          this.report(entry.keyNode, `read-only property "${entry.key}" at ${where} cannot be set`);
          continue;
        }
        this.checkValue(entry.value, this.ref(prop.type, owner), path);
        continue;
      }
      const caseMatch = names.find((n) => n.toLowerCase() === entry.key!.toLowerCase());
      if (caseMatch) {
        present.add(caseMatch);
        this.report(entry.keyNode, `property "${entry.key}" at ${where} has the wrong case, expected "${caseMatch}"`);
        continue;
      }
      if (shape.additional) {
        this.checkValue(entry.value, shape.additional, path);
        continue;
      }
      const known = names.filter((n) => !(shape.properties[n].flags & ObjectTypePropertyFlags.ReadOnly)).slice(0, 15);
      this.report(entry.keyNode, `unknown property "${entry.key}" at ${where} (known: ${known.join(', ')})`);
    }
    if (!shape.checkRequired) return;
    for (const [name, prop] of Object.entries(shape.properties)) {
      const required = prop.flags & ObjectTypePropertyFlags.Required && !(prop.flags & ObjectTypePropertyFlags.ReadOnly);
      if (required && !present.has(name)) this.report(node, `missing required property "${name}" at ${where}`);
    }
  }
}

/** A `string` with no constraint of its own: the open half of an extensible enum. */
function isPlainString(member: TypeHandle): boolean {
  const t = member.type;
  if (t.type === 'BuiltInType') return t.kind === BuiltInTypeKind.String;
  return t.type === 'StringType' && t.minLength === undefined && t.maxLength === undefined && t.pattern === undefined;
}

function valueKindOfBuiltIn(kind: BuiltInTypeKind): Literal['kind'] | undefined {
  switch (kind) {
    case BuiltInTypeKind.String:
      return 'string';
    case BuiltInTypeKind.Int:
      return 'int';
    case BuiltInTypeKind.Bool:
      return 'bool';
    case BuiltInTypeKind.Object:
      return 'object';
    case BuiltInTypeKind.Array:
      return 'array';
    default:
      return undefined;
  }
}

function describe(literal: Literal): string {
  switch (literal.kind) {
    case 'string':
      return `'${literal.value}'`;
    case 'int':
    case 'bool':
      return String(literal.value);
    default:
      return literal.kind;
  }
}

function resolveParent(resource: ResourceDecl, all: ResourceDecl[]): { node: SyntaxNode; parent: ResourceDecl | undefined } | undefined {
  const node = resource.body && objectGet(resource.body, 'parent');
  if (!node) return undefined;
  const symbols = node.type === 'resource_expression' ? node.namedChildren.map((c) => c.text) : [node.text];
  let candidates = all.filter((r) => r.symbol === symbols[0] && !r.nestedIn);
  let parent = candidates[0];
  for (const symbol of symbols.slice(1)) {
    candidates = all.filter((r) => r.symbol === symbol && r.nestedIn === parent);
    parent = candidates[0];
  }
  return { node, parent };
}

export function checkResourceSchema(
  resource: ResourceDecl,
  all: ResourceDecl[],
  types: AzureTypes,
  file: string,
  context?: Omit<ValueContext, 'following' | 'via'>,
): Issue[] {
  const walker = new SchemaWalker(types, file, [], context && { ...context, following: new Set(), via: [] });
  const report = (line: number, message: string): void => {
    walker.issues.push({ check: 'schema', file, line, message });
  };
  if (!resource.apiVersion) {
    report(resource.line, `resource ${resource.symbol} (${resource.fullType}) has no apiVersion`);
    return walker.issues;
  }
  if (!types.hasType(resource.fullType)) {
    report(resource.line, `unknown resource type ${resource.fullType} (resource ${resource.symbol})`);
    return walker.issues;
  }
  const body = types.resourceBody(resource.fullType, resource.apiVersion);
  if (!body) {
    const known = types.versionsOf(resource.fullType).join(', ');
    report(resource.line, `apiVersion ${resource.apiVersion} of ${resource.fullType} not found (available: ${known})`);
    return walker.issues;
  }
  const parentRef = resolveParent(resource, all);
  if (parentRef) {
    const expected = resource.fullType.split('/').slice(0, -1).join('/');
    if (!parentRef.parent) {
      report(parentRef.node.startPosition.row + 1, `parent "${parentRef.node.text}" of ${resource.symbol} is not a resource in this file`);
    } else if (parentRef.parent.fullType.toLowerCase() !== expected.toLowerCase()) {
      report(
        parentRef.node.startPosition.row + 1,
        `parent of ${resource.symbol} has type ${parentRef.parent.fullType}, but ${resource.fullType} needs a ${expected}`,
      );
    }
  }
  if (resource.body && !resource.existing) walker.checkValue(resource.body, body, resource.symbol, true);
  return walker.issues;
}

/**
 * `storage.properties.primaryEndpoints.blob`: each name read from a resource symbol must be a
 * property of its type (read-only ones included), as the compiler checks. Stops where the type
 * opens up (any, unions, discriminated objects, additional properties) or at a call
 * (`storage.listKeys()`).
 */
export function checkResourceAccess(source: BicepSource, types: AzureTypes): Issue[] {
  const issues: Issue[] = [];
  const resources = new Map(source.model.resources.filter((r) => !r.nestedIn && !r.loop).map((r) => [r.symbol, r]));
  const roots = findNodes(source.tree.rootNode, (n) => {
    if (n.type !== 'identifier' || !resources.has(n.text)) return false;
    const parent = n.parent;
    return parent?.type === 'member_expression' && parent.childForFieldName('object')?.id === n.id;
  });
  for (const root of roots) {
    const resource = resources.get(root.text)!;
    let handle = resource.apiVersion ? types.resourceBody(resource.fullType, resource.apiVersion) : undefined;
    let where = resource.symbol;
    let access = root.parent;
    while (handle && access?.type === 'member_expression') {
      const name = access.childForFieldName('property')?.text;
      const isCall = access.parent?.type === 'call_expression' && access.parent.childForFieldName('function')?.id === access.id;
      if (!name || isCall || handle.type.type !== 'ObjectType' || handle.type.additionalProperties) break;
      const properties = handle.type.properties;
      const prop = properties[name];
      if (!prop) {
        const caseMatch = Object.keys(properties).find((n) => n.toLowerCase() === name.toLowerCase());
        const message = caseMatch
          ? `property "${name}" read from ${where} has the wrong case, expected "${caseMatch}"`
          : `${where} has no property "${name}" (${resource.fullType}; known: ${Object.keys(properties).slice(0, 15).join(', ')})`;
        issues.push({ check: 'schema', file: source.file, line: access.startPosition.row + 1, message });
        break;
      }
      handle = types.resolve(prop.type, handle.file);
      where = `${where}.${name}`;
      access = access.parent;
    }
  }
  return issues;
}

export function checkSchema(project: InfraProject, types: AzureTypes): Issue[] {
  const issues: Issue[] = [];
  for (const source of project.files.values()) {
    for (const resource of source.model.resources) {
      issues.push(...checkResourceSchema(resource, source.model.resources, types, source.file, { project, source }));
    }
    issues.push(...checkResourceAccess(source, types));
  }
  return issues;
}
