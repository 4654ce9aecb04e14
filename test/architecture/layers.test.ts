// The layering rule of docs/ARCHITECTURE.md, checked on every import of the repository: a folder
// imports only from folders of lower layers (or from itself). Capabilities share one layer, so
// one cannot import another; src/ never imports tools/; tools/ may use the app, not the reverse.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');

/** Bottom to top. Every folder of src/ and tools/ must be listed (a new one must be placed). */
export const LAYERS: readonly (readonly string[])[] = [
  ['src/common'],
  ['src/config'],
  ['src/events'],
  ['src/learners'],
  ['src/recommendations'],
  ['src/onnx'],
  ['src/clients'],
  ['src/archive', 'src/aggregation'],
  ['src/features'],
  ['src/models'],
  ['src/scoring'],
  ['src/capture', 'src/processing', 'src/ranking', 'src/campaign', 'src/products', 'src/dashboard', 'src/health'],
  ['src/training', 'src/openapi'],
  ['src/app'],
  ['functions'],
  ['tools/cli', 'tools/synthetic'],
  ['tools/package', 'tools/bicep', 'tools/local', 'tools/powerbi', 'tools/webclient'],
  ['tools/emulators'],
  ['tools/commands', 'tools/simulator', 'tools/reliability', 'tools/shop'],
  ['tools/demo'],
];

/** The unit an import is judged by: functions/, or a first-level folder of src/ or tools/. */
export function unitOf(relPath: string): string | undefined {
  const parts = relPath.split('/');
  if (parts[0] === 'functions') return 'functions';
  if ((parts[0] === 'src' || parts[0] === 'tools') && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return undefined;
}

export function layerOf(unit: string): number {
  return LAYERS.findIndex((layer) => layer.includes(unit));
}

export interface Violation {
  file: string;
  imports: string;
  reason: string;
}

/** Violations of one file's relative imports. `file` and results are repository-relative. */
export function checkImports(file: string, specifiers: readonly string[]): Violation[] {
  const from = unitOf(file);
  if (from === undefined) return [];
  const out: Violation[] = [];
  for (const spec of specifiers) {
    if (!spec.startsWith('.')) continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    const to = unitOf(target.includes('/') ? `${target}/x` : target) ?? unitOf(target);
    if (to === undefined) {
      out.push({ file, imports: spec, reason: `${target} is outside functions/, src/ and tools/` });
      continue;
    }
    if (to === from) continue;
    const [a, b] = [layerOf(from), layerOf(to)];
    if (b >= a) out.push({ file, imports: spec, reason: `${from} (layer ${a}) may not import ${to} (layer ${b})` });
  }
  return out;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) sourceFiles(rel, out);
    else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

describe('layers', () => {
  const files = ['functions', 'src', 'tools'].flatMap((dir) => sourceFiles(dir)).filter((f) => !f.includes('/static/'));

  it('places every folder of src/ and tools/ in a layer', () => {
    const units = [...new Set(files.map(unitOf).filter((u): u is string => u !== undefined))];
    expect(units.filter((u) => layerOf(u) < 0)).toEqual([]);
  });

  it('has no import that runs up or sideways', () => {
    const violations = files.flatMap((file) => checkImports(file, importsOf(file)));
    expect(violations.map((v) => `${v.file}: ${v.imports} — ${v.reason}`)).toEqual([]);
  });

  it('catches an import that runs up, one between capabilities, and src/ reaching into tools/', () => {
    expect(checkImports('src/events/eventSchema.ts', ['../campaign/x'])).toHaveLength(1);
    expect(checkImports('src/ranking/ranker.ts', ['../campaign/model/campaignModel'])).toHaveLength(1);
    expect(checkImports('src/app/appServices.ts', ['../../tools/local/localRuntime'])).toHaveLength(1);
    expect(checkImports('src/training/runTraining.ts', ['../learners/gradientBoosting', './trainingGates', 'zod'])).toEqual([]);
    expect(checkImports('tools/demo/runDemo.ts', ['../../src/training', '../simulator/world'])).toEqual([]);
  });

  it('finds import, export-from, require and dynamic import', () => {
    const info = ts.preProcessFile("import a from './a'; export { b } from './b'; const c = require('./c'); void import('./d');", true, true);
    expect(info.importedFiles.map((f) => f.fileName)).toEqual(['./a', './b', './c', './d']);
  });
});
