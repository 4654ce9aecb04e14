// Checks how the files fit together: module files exist, params passed to a module exist there,
// required module params are set, referenced module outputs exist, and the azd parameters file
// matches the entry template's params.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findNodes } from './bicepModel';
import type { InfraProject } from './infraProject';
import type { Issue } from './issues';
import { objectEntries, objectGet } from './literals';

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
        if (!targetSource.model.params.has(entry.key)) {
          report(entry.keyNode.startPosition.row + 1, `module ${mod.symbol} passes "${entry.key}", which ${mod.path} does not declare`);
        }
      }
      for (const param of targetSource.model.params.values()) {
        if (!param.hasDefault && !param.nullable && !passed.has(param.name)) {
          report(mod.line, `module ${mod.symbol} does not set required param "${param.name}" of ${mod.path}`);
        }
      }
    }
    // `<module>.outputs.<name>` must name an output of that module.
    const refs = findNodes(source.tree.rootNode, (n) => n.type === 'member_expression');
    for (const ref of refs) {
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
  return [...checkModules(project), ...checkParametersFile(project)];
}
