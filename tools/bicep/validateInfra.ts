// Offline validation of infra/: syntax, symbols (name binding), wiring, schema (Azure type definitions) and project rules.
import * as fs from 'node:fs';
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

/**
 * Types that `infra/` uses and the shared folder lacks (Azure Monitor's alerts and diagnostic
 * settings), pinned in the repository from the same upstream commit; see its README.
 */
export const SUPPLEMENT_TYPES_DIR = [
  path.resolve(__dirname, 'azure-types-supplement'),
  // Compiled to dist/tools/bicep: the JSON stays in the source tree.
  path.resolve(__dirname, '..', '..', '..', 'tools', 'bicep', 'azure-types-supplement'),
].find((dir) => fs.existsSync(dir)) ?? path.resolve(__dirname, 'azure-types-supplement');

const typesCache = new Map<string, AzureTypes>();

/** The folder's types together with the repository's supplement, read once per folder. */
export function loadTypesCached(dir: string): AzureTypes {
  let types = typesCache.get(dir);
  if (!types) {
    types = AzureTypes.load(dir, [SUPPLEMENT_TYPES_DIR]);
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
