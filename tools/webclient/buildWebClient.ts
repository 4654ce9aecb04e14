// `npm run build`'s step for the browser library (clients/web): checks its generated event types
// against the server's (eventTypes.ts), type-checks it, bundles and minifies it with rolldown (a
// dev dependency that ships its native binary in its npm package) into
//   clients/web/dist/personalization.esm.js   ES module
//   clients/web/dist/personalization.min.js   script tag: window.Personalization
// and fails when the script-tag build is over the size budget (5 KB min+gzip).
// `--write-types` rewrites the generated types instead of checking them (npm run web:types).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { command, flag, runCommand } from '../cli/commandLine';
import { eventTypesSource, GENERATED_PATH } from './eventTypes';

export const BUILD_WEB_CLIENT = command({
  usage: 'node dist/tools/webclient/buildWebClient.js [--write-types]',
  summary: 'Builds the browser library (clients/web/dist) and checks its event types against the server.',
  options: {
    'write-types': flag('rewrite clients/web/src/eventTypes.generated.ts from src/events instead of checking it'),
  },
});

export const SIZE_BUDGET_BYTES = 5 * 1024;
/** The repository: the folder above this file (source or dist/) that holds clients/web. */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'clients', 'web', 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no clients/web above ${from}`);
  }
}

/** A build that must not ship: types drifted from the server, or over the size budget. */
export class WebClientBuildError extends Error {
  override name = 'WebClientBuildError';
}

export const ROOT = repositoryRoot(__dirname);
const WEB = path.join(ROOT, 'clients', 'web');

export interface BuiltFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** Whether the committed generated types match the server; the first differing line when not. */
export function eventTypesDrift(root = ROOT): string | undefined {
  const file = path.join(root, GENERATED_PATH);
  const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const expected = eventTypesSource();
  if (committed === expected) return undefined;
  const a = committed.split('\n');
  const b = expected.split('\n');
  const line = b.findIndex((l, i) => a[i] !== l);
  return `${GENERATED_PATH} differs from the server's event rules at line ${line + 1}: expected ${JSON.stringify(b[line])}, found ${JSON.stringify(a[line])}; run npm run web:types`;
}

/** Bundles the library; returns the files written with their sizes. */
export async function bundleWebClient(outDir = path.join(WEB, 'dist')): Promise<BuiltFile[]> {
  const { rolldown } = require('rolldown') as typeof import('rolldown');
  fs.mkdirSync(outDir, { recursive: true });
  const outputs: { input: string; file: string; format: 'esm' | 'iife'; name?: string }[] = [
    { input: 'src/index.ts', file: 'personalization.esm.js', format: 'esm' },
    { input: 'src/scriptTag.ts', file: 'personalization.min.js', format: 'iife', name: 'Personalization' },
  ];
  const built: BuiltFile[] = [];
  for (const o of outputs) {
    const bundle = await rolldown({ input: path.join(WEB, o.input), platform: 'browser', logLevel: 'silent' });
    await bundle.write({ file: path.join(outDir, o.file), format: o.format, minify: true, ...(o.name ? { name: o.name } : {}) });
    await bundle.close();
    const code = fs.readFileSync(path.join(outDir, o.file));
    built.push({ file: path.relative(ROOT, path.join(outDir, o.file)), bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length });
  }
  return built;
}

if (require.main === module) {
  void runCommand(BUILD_WEB_CLIENT, async (args) => {
    if (args['write-types']) {
      fs.writeFileSync(path.join(ROOT, GENERATED_PATH), eventTypesSource());
      process.stderr.write(`wrote ${GENERATED_PATH}\n`);
    }
    const drift = eventTypesDrift();
    if (drift) throw new WebClientBuildError(drift);
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(WEB, 'tsconfig.json')], { stdio: 'inherit' });
    const built = await bundleWebClient();
    for (const b of built) process.stderr.write(`web client: ${b.file} ${b.bytes} bytes, ${b.gzipBytes} bytes gzip\n`);
    const script = built.find((b) => b.file.endsWith('.min.js'))!;
    if (script.gzipBytes > SIZE_BUDGET_BYTES) throw new WebClientBuildError(`${script.file} is ${script.gzipBytes} bytes min+gzip, over the ${SIZE_BUDGET_BYTES}-byte budget`);
  }, { expected: [WebClientBuildError] });
}
