// Builds .deploy/app.zip, the package Flex Consumption runs:
//   npx tsc -p tsconfig.json && node dist/tools/package/packageApp.js [--out <zip>] [--max-mb <n>]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planPackage } from './packageFiles';
import { writeZip } from './zipWriter';
import { command, option, positiveNumber, runCommand, systemError, text, type OptionValues } from '../cli/commandLine';

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

const PACKAGE_COMMAND = command({
  usage: 'npm run package [-- options]   (node dist/tools/package/packageApp.js [options])',
  summary: 'Builds the zip package Flex Consumption runs: dist/functions, dist/src and the production packages.',
  options: {
    out: option('the zip file', text, { placeholder: '<zip>', defaultText: '.deploy/app.zip' }),
    'max-mb': option('fail when the package is larger', positiveNumber, { default: DEFAULT_MAX_BYTES / 1024 / 1024 }),
  },
  notes: 'Exit codes: 0 written, 1 too large or failed, 2 bad flags.',
});

function main(args: OptionValues<typeof PACKAGE_COMMAND.options>): void {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const outFile = path.resolve(args.out ?? path.join(repoRoot, '.deploy', 'app.zip'));
  const result = buildPackage(repoRoot, outFile, args['max-mb'] * 1024 * 1024);
  console.log(`${path.relative(repoRoot, result.outFile)}: ${mb(result.bytes)} (${result.bytes} bytes), ${result.entries} files, ${result.packages} production packages`);
}

if (require.main === module) void runCommand(PACKAGE_COMMAND, main, { expected: [PackageTooLargeError, systemError] });
