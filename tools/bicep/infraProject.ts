// Reads every .bicep file of an infra folder once; the checks share the parsed result.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tree } from 'tree-sitter';
import { buildModel, type BicepModel } from './bicepModel';
import { parseBicep } from './parseBicep';

export interface BicepSource {
  /** Path relative to the infra folder, with forward slashes. */
  file: string;
  absPath: string;
  source: string;
  tree: Tree;
  model: BicepModel;
}

export interface InfraProject {
  dir: string;
  files: Map<string, BicepSource>;
}

function listFiles(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, ext));
    else if (entry.name.endsWith(ext)) out.push(full);
  }
  return out.sort();
}

export function relativeName(dir: string, absPath: string): string {
  return path.relative(dir, absPath).split(path.sep).join('/');
}

export function loadInfraProject(dir: string): InfraProject {
  if (!fs.existsSync(dir)) throw new Error(`infra folder not found: ${dir}`);
  const files = new Map<string, BicepSource>();
  for (const absPath of listFiles(dir, '.bicep')) {
    const source = fs.readFileSync(absPath, 'utf8');
    const tree = parseBicep(source);
    const file = relativeName(dir, absPath);
    files.set(file, { file, absPath, source, tree, model: buildModel(tree) });
  }
  return { dir, files };
}

/** All text files of the infra folder (for plain-text rules such as forbidden functions). */
export function infraTextFiles(dir: string): string[] {
  return [...listFiles(dir, '.bicep'), ...listFiles(dir, '.json')];
}
