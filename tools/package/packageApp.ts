// Builds .deploy/app.zip, the package Flex Consumption runs, or the same files as a folder for
// azd (azure.yaml: `dist: .deploy/app`, filled by the prepackage hook):
//   npx tsc -p tsconfig.json && node dist/tools/package/packageApp.js [--out <zip>] [--max-mb <n>]
//   npx tsc -p tsconfig.json && node dist/tools/package/packageApp.js --dir .deploy/app
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planPackage } from './packageFiles';
import { writeZip } from './zipWriter';
import { createProgressRenderer, type ProgressRenderer } from '../cli/progress';
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

export interface PackageDirResult {
  outDir: string;
  files: number;
  bytes: number;
  packages: number;
}

export class UnsafePackageDirError extends Error {}

/** Refuses a folder whose removal would take the project with it (the repository or above, or a folder with a project in it). */
function checkPackageDir(repoRoot: string, outDir: string): void {
  const relative = path.relative(outDir, repoRoot);
  const holdsRepo = relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  const looksLikeProject = ['.git', 'package-lock.json', 'src'].some((name) => fs.existsSync(path.join(outDir, name)));
  if (holdsRepo || looksLikeProject) {
    throw new UnsafePackageDirError(`--dir ${outDir}: refusing to replace a folder that holds the project; name an output folder such as .deploy/app`);
  }
}

/** Writes the package's files unpacked into `outDir` (emptied first), as azd zips a folder itself. */
export function buildPackageDir(repoRoot: string, outDir: string, maxBytes = DEFAULT_MAX_BYTES, progress?: ProgressRenderer): PackageDirResult {
  checkPackageDir(repoRoot, outDir);
  const plan = planPackage(repoRoot);
  const tmp = `${outDir}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  let bytes = 0;
  for (const [i, input] of plan.inputs.entries()) {
    if (i % 500 === 0) progress?.update({ step: 'copy files', done: i, total: plan.inputs.length });
    const target = path.join(tmp, ...input.name.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(input.sourcePath, target);
    bytes += fs.statSync(target).size;
  }
  // Unpacked files are larger than the zip; the zip limit applies to what azd uploads, so a folder
  // gets the same limit times the typical 3x compression of this package.
  if (bytes > maxBytes * 3) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new PackageTooLargeError(`Package folder is ${mb(bytes)}, over ${mb(maxBytes * 3)} (3 x the zip limit)`);
  }
  progress?.update({ step: 'copy files', done: plan.inputs.length, total: plan.inputs.length });
  progress?.end();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.renameSync(tmp, outDir);
  return { outDir, files: plan.inputs.length, bytes, packages: plan.packageDirs.length };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const PACKAGE_COMMAND = command({
  usage: 'npm run package [-- options]   (node dist/tools/package/packageApp.js [options])',
  summary: 'Builds the zip package Flex Consumption runs: dist/functions, dist/src and the production packages.',
  options: {
    out: option('the zip file', text, { placeholder: '<zip>', defaultText: '.deploy/app.zip' }),
    dir: option('write the files unpacked into this folder instead of a zip (azd deploys it; emptied first)', text, { placeholder: '<folder>' }),
    'max-mb': option('fail when the package is larger', positiveNumber, { default: DEFAULT_MAX_BYTES / 1024 / 1024 }),
  },
  notes: 'Exit codes: 0 written, 1 too large or failed, 2 bad flags.',
});

function main(args: OptionValues<typeof PACKAGE_COMMAND.options>): void {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  if (args.dir !== undefined) {
    const dir = buildPackageDir(repoRoot, path.resolve(args.dir), args['max-mb'] * 1024 * 1024, createProgressRenderer(process.stderr));
    console.log(`${path.relative(repoRoot, dir.outDir)}/: ${mb(dir.bytes)} unpacked, ${dir.files} files, ${dir.packages} production packages`);
    return;
  }
  const outFile = path.resolve(args.out ?? path.join(repoRoot, '.deploy', 'app.zip'));
  const result = buildPackage(repoRoot, outFile, args['max-mb'] * 1024 * 1024);
  console.log(`${path.relative(repoRoot, result.outFile)}: ${mb(result.bytes)} (${result.bytes} bytes), ${result.entries} files, ${result.packages} production packages`);
}

if (require.main === module) void runCommand(PACKAGE_COMMAND, main, { expected: [PackageTooLargeError, UnsafePackageDirError, systemError] });
