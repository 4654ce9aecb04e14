// Name binding, as the Bicep compiler does it: every identifier an expression uses must name a
// param, var, resource, module, user-defined function, import, loop variable or lambda parameter
// in scope, and every function called must exist. Declared params and vars nobody uses are
// reported too: a misspelled declaration (`var resourceTokn`) leaves its uses undefined and the
// declaration itself unused, and the pair points at the typo.
import type { SyntaxNode } from 'tree-sitter';
import { findNodes } from './bicepModel';
import type { BicepSource, InfraProject } from './infraProject';
import type { Issue } from './issues';
import { closestName } from '../cli/closestName';

/** Functions of Bicep's `sys` namespace (callable without a prefix). */
const SYS_FUNCTIONS = [
  'any', 'array', 'base64', 'base64ToJson', 'base64ToString', 'bool', 'buildUri', 'cidrHost', 'cidrSubnet', 'coalesce',
  'concat', 'contains', 'dataUri', 'dataUriToString', 'dateTimeAdd', 'dateTimeFromEpoch', 'dateTimeToEpoch', 'empty',
  'endsWith', 'fail', 'filter', 'first', 'flatten', 'format', 'groupBy', 'guid', 'indexOf', 'int', 'intersection', 'items',
  'join', 'json', 'last', 'lastIndexOf', 'length', 'loadFileAsBase64', 'loadJsonContent', 'loadTextContent',
  'loadYamlContent', 'map', 'mapValues', 'max', 'min', 'newGuid', 'objectKeys', 'padLeft', 'parseCidr', 'parseUri', 'range',
  'reduce', 'replace', 'shallowMerge', 'skip', 'sort', 'split', 'startsWith', 'string', 'substring', 'take', 'toLower',
  'toObject', 'toUpper', 'trim', 'tryGet', 'union', 'uniqueString', 'uri', 'uriComponent', 'uriComponentToString', 'utcNow',
];
/** Functions of the `az` namespace. */
const AZ_FUNCTIONS = [
  'deployer', 'deployment', 'environment', 'extensionResourceId', 'getSecret', 'managementGroup',
  'managementGroupResourceId', 'pickZones', 'providers', 'reference', 'resourceGroup', 'resourceId', 'subscription',
  'subscriptionResourceId', 'tenant', 'tenantResourceId', 'toLogicalZone', 'toPhysicalZone',
];
/** Namespaces usable as `az.resourceGroup()`, `sys.concat(...)`. */
const NAMESPACES = ['az', 'sys'];
const BUILT_IN_FUNCTIONS = new Set([...SYS_FUNCTIONS, ...AZ_FUNCTIONS].map((f) => f.toLowerCase()));

/** Type syntax names types, never values: user-defined type names are not checked here. */
const TYPE_NODES = new Set([
  'type', 'union_type', 'array_type', 'nullable_type', 'parameterized_type', 'primitive_type', 'parenthesized_type',
  'negated_type', 'nullable_return_type', 'type_declaration',
]);

type DeclKind = 'param' | 'var' | 'resource' | 'module' | 'function' | 'import' | 'loop variable' | 'lambda parameter' | 'namespace';

interface BoundSymbol {
  name: string;
  kind: DeclKind;
  node: SyntaxNode | undefined;
  used: boolean;
}

class Scope {
  private readonly symbols = new Map<string, BoundSymbol>();
  constructor(readonly parent: Scope | undefined) {}

  declare(name: string, kind: DeclKind, node: SyntaxNode | undefined): BoundSymbol {
    const symbol: BoundSymbol = { name, kind, node, used: false };
    this.symbols.set(name, symbol);
    return symbol;
  }

  lookup(name: string): BoundSymbol | undefined {
    return this.symbols.get(name) ?? this.parent?.lookup(name);
  }

  own(): BoundSymbol[] {
    return [...this.symbols.values()];
  }

  names(): string[] {
    return [...this.symbols.keys(), ...(this.parent?.names() ?? [])];
  }
}

function nameOf(decl: SyntaxNode): SyntaxNode | undefined {
  return decl.childForFieldName('name') ?? decl.namedChildren.find((c) => c.type === 'identifier');
}

function isExported(name: SyntaxNode): boolean {
  const decorators = name.parent?.previousNamedSibling;
  return decorators?.type === 'decorators' && /@(sys\.)?export\(/.test(decorators.text);
}

/** Lambda parameters: `x => ...` or `(x, y) => ...`. */
function lambdaParams(lambda: SyntaxNode): SyntaxNode[] {
  const first = lambda.namedChildren[0];
  if (!first) return [];
  if (first.type === 'identifier') return [first];
  if (first.type === 'parenthesized_expression') return first.namedChildren.filter((c) => c.type === 'identifier');
  return [];
}

class SymbolChecker {
  readonly issues: Issue[] = [];
  private readonly top = new Scope(undefined);

  constructor(private readonly source: BicepSource) {
    for (const ns of NAMESPACES) this.top.declare(ns, 'namespace', undefined);
  }

  private report(node: SyntaxNode, message: string): void {
    this.issues.push({ check: 'symbols', file: this.source.file, line: node.startPosition.row + 1, message });
  }

  run(): Issue[] {
    const root = this.source.tree.rootNode;
    const declarations: Record<string, DeclKind> = {
      parameter_declaration: 'param',
      variable_declaration: 'var',
      resource_declaration: 'resource',
      module_declaration: 'module',
      user_defined_function: 'function',
    };
    for (const node of root.namedChildren) {
      const kind = declarations[node.type];
      const name = kind && nameOf(node);
      if (kind && name) {
        if (this.top.lookup(name.text)?.node) this.report(name, `${name.text} is declared more than once`);
        this.top.declare(name.text, kind, name);
      }
      if (node.type.startsWith('import_')) {
        for (const id of node.namedChildren.filter((c) => c.type === 'identifier')) this.top.declare(id.text, 'import', id);
      }
    }
    for (const node of root.namedChildren) this.visitStatement(node);
    for (const symbol of this.top.own()) {
      // An @export() var is used by the files that import it.
      if (!symbol.used && symbol.node && (symbol.kind === 'param' || symbol.kind === 'var') && !isExported(symbol.node)) {
        this.report(symbol.node, `${symbol.kind} ${symbol.name} is declared but never used`);
      }
    }
    return this.issues;
  }

  private visitStatement(node: SyntaxNode): void {
    switch (node.type) {
      case 'decorators':
        for (const decorator of node.namedChildren) this.visitDecorator(decorator, this.top);
        return;
      case 'parameter_declaration':
      case 'variable_declaration':
      case 'output_declaration':
      case 'metadata_declaration':
        // First identifier is the declared name; the rest (skipping the type) is the value.
        for (const child of node.namedChildren.slice(1)) this.visit(child, this.top);
        return;
      case 'resource_declaration':
      case 'module_declaration':
        return this.visitDeclarationBody(node, this.top);
      case 'user_defined_function': {
        const scope = new Scope(this.top);
        const params = node.namedChildren.find((c) => c.type === 'parameters');
        for (const param of params?.namedChildren ?? []) {
          const id = param.namedChildren.find((c) => c.type === 'identifier');
          if (id) scope.declare(id.text, 'param', undefined);
        }
        for (const child of node.namedChildren) {
          if (child !== nameOf(node) && child.type !== 'parameters') this.visit(child, scope);
        }
        return;
      }
      default:
        // targetScope, imports, types, comments, using, tests: nothing to resolve.
        return;
    }
  }

  private visitDecorator(decorator: SyntaxNode, scope: Scope): void {
    // The decorator's own name (description, allowed, …) is not a value; its arguments are.
    const call = decorator.namedChildren.find((c) => c.type === 'call_expression');
    const args = call?.childForFieldName('arguments');
    if (args) this.visitArguments(args, scope);
  }

  /** A resource or module after its name and type string: `existing`, `if (...)`, `[for ...]`, `{...}`. */
  private visitDeclarationBody(decl: SyntaxNode, scope: Scope): void {
    for (const child of decl.namedChildren) {
      if (child.type === 'identifier' || child.type === 'string') continue;
      this.visit(child, scope);
    }
  }

  private visitArguments(args: SyntaxNode, scope: Scope): void {
    for (const arg of args.namedChildren) {
      // tree-sitter-bicep binds `x => x.name` as `(x => x).name`, so a lambda's body can reach
      // past the lambda node; its parameters are in scope for the whole argument instead.
      const lambdas = findNodes(arg, (n) => n.type === 'lambda_expression');
      let argScope = scope;
      if (lambdas.length > 0) {
        argScope = new Scope(scope);
        for (const lambda of lambdas) for (const p of lambdaParams(lambda)) argScope.declare(p.text, 'lambda parameter', p);
      }
      this.visit(arg, argScope);
    }
  }

  private visit(node: SyntaxNode, scope: Scope): void {
    if (TYPE_NODES.has(node.type)) return;
    switch (node.type) {
      case 'identifier':
        return this.use(node, scope);
      case 'comment':
      case 'diagnostic_comment':
      case 'property_identifier':
      case 'compatible_identifier':
        return;
      case 'decorators':
        for (const decorator of node.namedChildren) this.visitDecorator(decorator, scope);
        return;
      case 'member_expression':
      case 'resource_expression': {
        // Only the object is a symbol; `.name` and `::child` are looked up in its type.
        const object = node.childForFieldName('object');
        if (object) this.visit(object, scope);
        return;
      }
      case 'call_expression':
        return this.visitCall(node, scope);
      case 'lambda_expression': {
        const params = new Set(lambdaParams(node).map((p) => p.id));
        for (const child of node.namedChildren) {
          if (child.type === 'parenthesized_expression' && child === node.namedChildren[0]) continue;
          if (!params.has(child.id)) this.visit(child, scope);
        }
        return;
      }
      case 'object':
        return this.visitObject(node, scope);
      case 'object_property': {
        const [key, ...values] = node.namedChildren;
        if (key?.type === 'resource_declaration') return this.visitDeclarationBody(key, scope);
        if (key?.type === 'string') this.visit(key, scope); // `'${name}': ...`
        for (const value of values) this.visit(value, scope);
        return;
      }
      case 'for_statement':
        return this.visitFor(node, scope);
      default:
        for (const child of node.namedChildren) this.visit(child, scope);
    }
  }

  /** An object; nested resources declared in it are visible throughout it (as in Bicep). */
  private visitObject(node: SyntaxNode, scope: Scope): void {
    let inner = scope;
    for (const prop of node.namedChildren) {
      const nested = prop.type === 'object_property' ? prop.namedChildren[0] : undefined;
      const name = nested?.type === 'resource_declaration' ? nameOf(nested) : undefined;
      if (name) {
        if (inner === scope) inner = new Scope(scope);
        inner.declare(name.text, 'resource', name);
      }
    }
    for (const child of node.namedChildren) this.visit(child, inner);
  }

  private visitFor(node: SyntaxNode, scope: Scope): void {
    const loop = new Scope(scope);
    const initializer = node.childForFieldName('initializer');
    const params = node.namedChildren.find((c) => c.type === 'for_loop_parameters');
    if (initializer) loop.declare(initializer.text, 'loop variable', initializer);
    for (const p of params?.namedChildren ?? []) loop.declare(p.text, 'loop variable', p);
    const body = node.childForFieldName('body');
    for (const child of node.namedChildren) {
      if (child === initializer || child === params) continue;
      // The collection is evaluated outside the loop; the body sees the loop variables.
      this.visit(child, body && child.id === body.id ? loop : scope);
    }
  }

  private visitCall(node: SyntaxNode, scope: Scope): void {
    const fn = node.childForFieldName('function');
    if (fn?.type === 'identifier') {
      const declared = scope.lookup(fn.text);
      if (declared && (declared.kind === 'function' || declared.kind === 'import')) declared.used = true;
      else if (!BUILT_IN_FUNCTIONS.has(fn.text.toLowerCase())) this.report(fn, `unknown function "${fn.text}"`);
    } else if (fn?.type === 'member_expression') {
      const object = fn.childForFieldName('object');
      const method = fn.childForFieldName('property')?.text ?? '';
      if (object?.type === 'identifier' && NAMESPACES.includes(object.text) && !scope.lookup(object.text)?.node) {
        const known = object.text === 'az' ? AZ_FUNCTIONS : SYS_FUNCTIONS;
        if (!known.some((f) => f.toLowerCase() === method.toLowerCase())) this.report(fn, `unknown function "${fn.text}"`);
      } else if (fn) {
        this.visit(fn, scope); // `storage.listKeys()`, `resourceGroup().id`: check the object
      }
    } else if (fn) {
      this.visit(fn, scope);
    }
    const args = node.childForFieldName('arguments');
    if (args) this.visitArguments(args, scope);
  }

  private use(node: SyntaxNode, scope: Scope): void {
    const symbol = scope.lookup(node.text);
    if (symbol) {
      symbol.used = true;
      return;
    }
    // Short names are a letter or two apart from many others; only hint for longer ones.
    const close = node.text.length >= 4 ? closestName(node.text, scope.names().filter((n) => !NAMESPACES.includes(n)), { ignoreCase: true }) : undefined;
    const hint = close ? ` (did you mean "${close}"?)` : '';
    this.report(node, `"${node.text}" is not declared: no param, var, resource, module, function or loop variable of that name${hint}`);
  }
}

export function checkSymbols(project: InfraProject): Issue[] {
  return [...project.files.values()].flatMap((source) => new SymbolChecker(source).run());
}
