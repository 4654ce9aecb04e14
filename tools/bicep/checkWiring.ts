// Checks how the files fit together: module files exist, params passed to a module exist there
// and get values of their declared type and @allowed list, required module params are set,
// referenced module outputs exist, and the azd parameters file matches the entry template's params.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SyntaxNode } from 'tree-sitter';
import { findNodes, type ParamDecl } from './bicepModel';
import type { BicepSource, InfraProject } from './infraProject';
import type { Issue } from './issues';
import { literalOf, objectEntries, objectGet } from './literals';

/** One value an argument can take: its kind, and the value itself when it is a literal. */
interface Possible {
  kind: string;
  value?: string | number | boolean;
}

/**
 * What a module argument can be, through vars, the caller's params (their @allowed list or
 * declared type) and both branches of a ternary; undefined where that is not known offline.
 */
function possibleValues(source: BicepSource, node: SyntaxNode, depth = 0): Possible[] | undefined {
  if (depth > 20) return undefined;
  if (node.type === 'parenthesized_expression' && node.namedChildren[0]) return possibleValues(source, node.namedChildren[0], depth + 1);
  if (node.type === 'ternary_expression') {
    const branches = ['consequence', 'alternative'].map((f) => node.childForFieldName(f));
    const values = branches.map((b) => (b ? possibleValues(source, b, depth + 1) : undefined));
    return values.some((v) => v === undefined) ? undefined : values.flatMap((v) => v ?? []);
  }
  if (node.type === 'identifier') {
    const variable = source.model.vars.get(node.text);
    if (variable) return possibleValues(source, variable, depth + 1);
    const param = source.model.params.get(node.text);
    if (param?.allowed) {
      const items = param.allowed.map((item) => possibleValues(source, item, depth + 1));
      return items.some((v) => v === undefined) ? undefined : items.flatMap((v) => v ?? []);
    }
    return param?.primitive ? [{ kind: param.primitive }] : undefined;
  }
  if (node.type === 'call_expression') {
    // The conversion functions say what they return.
    const fn = node.childForFieldName('function')?.text;
    return fn === 'string' || fn === 'int' || fn === 'bool' ? [{ kind: fn }] : undefined;
  }
  const literal = literalOf(node);
  switch (literal.kind) {
    case 'string':
    case 'int':
    case 'bool':
      return [{ kind: literal.kind, value: literal.value }];
    case 'interpolated':
      return [{ kind: 'string' }];
    case 'object':
    case 'array':
      return [{ kind: literal.kind }];
    default:
      return undefined;
  }
}

function show(p: Possible): string {
  if (p.value === undefined) return `a ${p.kind}`;
  return typeof p.value === 'string' ? `'${p.value}'` : String(p.value);
}

/** A module argument against the declared type and @allowed values of the param it sets. */
function argumentIssues(source: BicepSource, value: SyntaxNode, param: ParamDecl): { value: string; reason: string }[] {
  const possible = possibleValues(source, value);
  if (!possible) return [];
  const messages: { value: string; reason: string }[] = [];
  const allowed = param.allowed?.map((item) => literalOf(item)).flatMap((l) => ('value' in l ? [l.value] : []));
  for (const p of possible) {
    if (param.primitive && p.kind !== param.primitive) messages.push({ value: show(p), reason: `the param is declared ${param.primitive}` });
    else if (allowed && p.value !== undefined && !allowed.includes(p.value)) {
      const list = allowed.map((a) => show({ kind: '', value: a })).join(', ');
      messages.push({ value: show(p), reason: `not one of its @allowed values (${list})` });
    }
  }
  return messages;
}

function checkModules(project: InfraProject): Issue[] {
  const issues: Issue[] = [];
  for (const source of project.files.values()) {
    const report = (line: number, message: string): void => {
      issues.push({ check: 'wiring', file: source.file, line, message });
    };
    const outputsBySymbol = new Map<string, Set<string>>();
    for (const mod of source.model.modules) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(source.file), mod.path));
      const targetSource = project.files.get(target);
      if (!targetSource) {
        const exists = fs.existsSync(path.join(project.dir, target));
        report(mod.line, exists ? `module ${mod.symbol}: ${mod.path} is not a .bicep file` : `module ${mod.symbol}: file ${mod.path} not found`);
        continue;
      }
      outputsBySymbol.set(mod.symbol, targetSource.model.outputs);
      const paramsNode = mod.body && objectGet(mod.body, 'params');
      if (paramsNode && paramsNode.type !== 'object') continue; // passed as an expression: cannot check
      const passed = new Set<string>();
      for (const entry of paramsNode ? objectEntries(paramsNode) : []) {
        if (entry.key === undefined) continue;
        passed.add(entry.key);
        const param = targetSource.model.params.get(entry.key);
        if (!param) {
          report(entry.keyNode.startPosition.row + 1, `module ${mod.symbol} passes "${entry.key}", which ${mod.path} does not declare`);
          continue;
        }
        for (const problem of argumentIssues(source, entry.value, param)) {
          report(entry.value.startPosition.row + 1, `module ${mod.symbol} passes ${problem.value} to "${entry.key}" of ${mod.path}: ${problem.reason}`);
        }
      }
      for (const param of targetSource.model.params.values()) {
        if (!param.hasDefault && !param.nullable && !passed.has(param.name)) {
          report(mod.line, `module ${mod.symbol} does not set required param "${param.name}" of ${mod.path}`);
        }
      }
    }
    // `<module>.outputs.<name>` must name an output of that module; a module has no other members but `name`.
    const refs = findNodes(source.tree.rootNode, (n) => n.type === 'member_expression');
    for (const ref of refs) {
      const object = ref.childForFieldName('object');
      const member = ref.childForFieldName('property')?.text;
      if (object?.type === 'identifier' && outputsBySymbol.has(object.text) && member && member !== 'outputs' && member !== 'name') {
        report(ref.startPosition.row + 1, `module ${object.text} has no property "${member}" (a module has name and outputs)`);
      }
      const inner = ref.childForFieldName('object');
      const outputName = ref.childForFieldName('property')?.text;
      if (inner?.type !== 'member_expression' || !outputName) continue;
      const symbol = inner.childForFieldName('object');
      if (inner.childForFieldName('property')?.text !== 'outputs' || symbol?.type !== 'identifier') continue;
      const outputs = outputsBySymbol.get(symbol.text);
      if (outputs && !outputs.has(outputName)) {
        report(ref.startPosition.row + 1, `module ${symbol.text} has no output "${outputName}"`);
      }
    }
  }
  return issues;
}

/** A param's default must fit its own declared type and @allowed list. */
function checkDefaults(project: InfraProject): Issue[] {
  const issues: Issue[] = [];
  for (const source of project.files.values()) {
    for (const param of source.model.params.values()) {
      if (!param.defaultNode) continue;
      for (const problem of argumentIssues(source, param.defaultNode, param)) {
        issues.push({
          check: 'wiring',
          file: source.file,
          line: param.defaultNode.startPosition.row + 1,
          message: `param ${param.name} defaults to ${problem.value}: ${problem.reason}`,
        });
      }
    }
  }
  return issues;
}

/** azd's main.parameters.json must only name params main.bicep declares, and cover the required ones. */
export function checkParametersFile(project: InfraProject, entry = 'main.bicep', parametersFile = 'main.parameters.json'): Issue[] {
  const issues: Issue[] = [];
  const main = project.files.get(entry);
  const report = (message: string): void => {
    issues.push({ check: 'wiring', file: parametersFile, line: 1, message });
  };
  if (!main) return [{ check: 'wiring', file: entry, line: 1, message: `entry template ${entry} not found` }];
  const jsonPath = path.join(project.dir, parametersFile);
  if (!fs.existsSync(jsonPath)) return [{ check: 'wiring', file: parametersFile, line: 1, message: `${parametersFile} not found` }];
  let parameters: Record<string, unknown>;
  try {
    const parsed = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as { parameters?: Record<string, unknown> };
    parameters = parsed.parameters ?? {};
  } catch (error) {
    report(`${parametersFile} is not valid JSON: ${(error as Error).message}`);
    return issues;
  }
  for (const name of Object.keys(parameters)) {
    if (!main.model.params.has(name)) report(`parameter "${name}" is not a param of ${entry}`);
  }
  for (const param of main.model.params.values()) {
    if (!param.hasDefault && !param.nullable && !(param.name in parameters)) {
      report(`required param "${param.name}" of ${entry} has no value in ${parametersFile}`);
    }
  }
  return issues;
}

export function checkWiring(project: InfraProject): Issue[] {
  return [...checkModules(project), ...checkDefaults(project), ...checkParametersFile(project)];
}
