// Chooses the files of the deployment package: compiled app, host.json, package.json and the
// production dependencies from package-lock.json, with native binaries for linux-x64 only.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ZipInput } from './zipWriter';

export interface TargetPlatform {
  os: string;
  cpu: string;
}

/** Flex Consumption runs Linux on x64. */
export const FLEX_PLATFORM: TargetPlatform = { os: 'linux', cpu: 'x64' };

interface LockPackage {
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  link?: boolean;
  os?: string[];
  cpu?: string[];
}

interface Lockfile {
  lockfileVersion?: number;
  packages?: Record<string, LockPackage>;
}

function matchesList(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  const denied = list.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
  const allowed = list.filter((v) => !v.startsWith('!'));
  return !denied.includes(value) && (allowed.length === 0 || allowed.includes(value));
}

/** `node_modules/...` folders of production packages installable on the target platform. */
export function productionPackageDirs(lock: Lockfile, target: TargetPlatform = FLEX_PLATFORM): string[] {
  if (!lock.packages || (lock.lockfileVersion ?? 0) < 2) {
    throw new Error('package-lock.json: lockfileVersion 2 or 3 with a "packages" map is required');
  }
  return Object.entries(lock.packages)
    .filter(([key, pkg]) => key.startsWith('node_modules/') && !pkg.dev && !pkg.devOptional && !pkg.link)
    .filter(([, pkg]) => matchesList(pkg.os, target.os) && matchesList(pkg.cpu, target.cpu))
    .map(([key]) => key)
    .sort();
}

const NAPI_DIR = /(?:^|\/)napi-v\d+\/([^/]+)\/([^/]+)\//;
const PREBUILDS_DIR = /(?:^|\/)prebuilds\/([^/]+)\//;

/** True for a native binary folder of another platform/arch (e.g. onnxruntime-node's darwin/arm64). */
export function isForeignBinary(relPath: string, target: TargetPlatform = FLEX_PLATFORM): boolean {
  const napi = NAPI_DIR.exec(relPath);
  if (napi) return napi[1] !== target.os || napi[2] !== target.cpu;
  const prebuilt = PREBUILDS_DIR.exec(relPath);
  if (prebuilt) return prebuilt[1] !== `${target.os}-${target.cpu}`;
  return false;
}

/**
 * Dependency files Node never loads at run time: source maps, TypeScript sources/typings, docs,
 * and the browser / react-native builds of dual-published packages (Node resolves neither).
 */
export function isDroppedDependencyFile(relPath: string): boolean {
  return (
    /\.(map|ts|mts|cts|md|markdown)$/i.test(relPath) ||
    /\/dist\/(browser|react-native)\//.test(relPath)
  );
}

function walkFiles(root: string, rel: string, skipDir: (relDir: string) => boolean, out: string[]): void {
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!skipDir(childRel)) walkFiles(root, childRel, skipDir, out);
    } else if (entry.isFile()) {
      out.push(childRel);
    }
  }
}

/**
 * The compiled folders that make up the deployed app: the function registrations and `src/`.
 * Everything else under dist/ (tools/, bench/, test/) helps develop and run it, never ships.
 */
export const APP_DIRS = ['dist/functions', 'dist/src'];

export interface PackagePlan {
  inputs: ZipInput[];
  packageDirs: string[];
}

/** Everything that goes into the zip, as zip-name → source-file pairs. */
export function planPackage(repoRoot: string, target: TargetPlatform = FLEX_PLATFORM): PackagePlan {
  const distDir = path.join(repoRoot, 'dist');
  const functionsDir = path.join(distDir, 'functions');
  if (!fs.existsSync(functionsDir) || !fs.readdirSync(functionsDir).some((f) => f.endsWith('.js'))) {
    throw new Error(`No compiled functions in ${functionsDir}; run "npx tsc -p tsconfig.json" first`);
  }
  const files: string[] = ['host.json', 'package.json'];
  for (const required of files) {
    if (!fs.existsSync(path.join(repoRoot, required))) throw new Error(`${required} not found in ${repoRoot}`);
  }
  for (const dir of APP_DIRS) walkFiles(repoRoot, dir, () => false, files);

  const lockPath = path.join(repoRoot, 'package-lock.json');
  const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Lockfile;
  const packageDirs = productionPackageDirs(lock, target);
  for (const dir of packageDirs) {
    if (!fs.existsSync(path.join(repoRoot, dir))) {
      throw new Error(`${dir} is in package-lock.json but not installed; run "npm ci" first`);
    }
    const own: string[] = [];
    // Nested node_modules are separate lock entries; foreign native binaries are never needed.
    walkFiles(repoRoot, dir, (sub) => sub === `${dir}/node_modules` || isForeignBinary(`${sub}/`, target), own);
    files.push(...own.filter((f) => !isDroppedDependencyFile(f)));
  }
  return { inputs: files.map((name) => ({ name, sourcePath: path.join(repoRoot, name) })), packageDirs };
}
