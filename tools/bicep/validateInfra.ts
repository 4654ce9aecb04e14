// Offline validation of infra/: syntax, symbols (name binding), wiring, schema (Azure type definitions) and project rules.
import * as path from 'node:path';
import { AzureTypes } from './azureTypes';
import { checkRules, DEFAULT_RULES, type RulesConfig } from './checkRules';
import { checkSchema } from './checkSchema';
import { checkSymbols } from './checkSymbols';
import { checkWiring } from './checkWiring';
import { loadInfraProject } from './infraProject';
import type { Issue } from './issues';
import { syntaxIssues } from './parseBicep';

export interface ValidateOptions {
  infraDir: string;
  /** Folder of pinned types.json files; defaults to defaultTypesDir(repo root of infraDir). */
  typesDir?: string;
  rules?: RulesConfig;
}

export interface ValidationResult {
  issues: Issue[];
  files: string[];
  resourceCount: number;
}

/** `../shared/azure-types` beside the repository, unless AZURE_TYPES_DIR says otherwise. */
export function defaultTypesDir(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.AZURE_TYPES_DIR || path.resolve(repoRoot, '..', 'shared', 'azure-types');
}

const typesCache = new Map<string, AzureTypes>();

export function loadTypesCached(dir: string): AzureTypes {
  let types = typesCache.get(dir);
  if (!types) {
    types = AzureTypes.load(dir);
    typesCache.set(dir, types);
  }
  return types;
}

export function validateInfra(options: ValidateOptions): ValidationResult {
  const typesDir = options.typesDir ?? defaultTypesDir(path.resolve(options.infraDir, '..'));
  const types = loadTypesCached(typesDir);
  const project = loadInfraProject(options.infraDir);
  const syntax = [...project.files.values()].flatMap((source) => syntaxIssues(source.tree, source.file));
  const issues = [
    ...syntax,
    ...checkSymbols(project),
    ...checkWiring(project),
    ...checkSchema(project, types),
    ...checkRules(project, types, options.rules ?? DEFAULT_RULES),
  ];
  return {
    issues,
    files: [...project.files.keys()],
    resourceCount: [...project.files.values()].reduce((n, s) => n + s.model.resources.length, 0),
  };
}
