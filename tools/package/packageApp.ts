// Builds .deploy/app.zip, the package Flex Consumption runs:
//   npx tsc -p tsconfig.json && node dist/tools/package/packageApp.js [--out <zip>] [--max-mb <n>]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planPackage } from './packageFiles';
import { writeZip } from './zipWriter';

export const DEFAULT_MAX_BYTES = 60 * 1024 * 1024;

export interface PackageResult {
  outFile: string;
  entries: number;
  bytes: number;
  packages: number;
}

export class PackageTooLargeError extends Error {}

export function buildPackage(repoRoot: string, outFile: string, maxBytes = DEFAULT_MAX_BYTES): PackageResult {
  const plan = planPackage(repoRoot);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const tmp = `${outFile}.tmp`;
  const summary = writeZip(tmp, plan.inputs);
  if (summary.bytes > maxBytes) {
    fs.rmSync(tmp, { force: true });
    throw new PackageTooLargeError(`Package is ${mb(summary.bytes)}, over the limit of ${mb(maxBytes)}`);
  }
  fs.renameSync(tmp, outFile);
  return { outFile, entries: summary.entries, bytes: summary.bytes, packages: plan.packageDirs.length };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function main(args: string[]): number {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const outFile = path.resolve(argValue(args, '--out') ?? path.join(repoRoot, '.deploy', 'app.zip'));
  const maxMb = Number(argValue(args, '--max-mb') ?? 60);
  if (!Number.isFinite(maxMb) || maxMb <= 0) {
    console.error(`--max-mb must be a positive number, got "${argValue(args, '--max-mb')}"`);
    return 2;
  }
  try {
    const result = buildPackage(repoRoot, outFile, maxMb * 1024 * 1024);
    console.log(`${path.relative(repoRoot, result.outFile)}: ${mb(result.bytes)} (${result.bytes} bytes), ${result.entries} files, ${result.packages} production packages`);
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
