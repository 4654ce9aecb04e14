// The browser the dashboard tests drive, provisioned by `npm ci` alone: the headless Chromium that
// the @sparticuz/chromium package ships inside itself (a brotli-compressed binary, nothing
// downloaded at install), unpacked once per package version into node_modules/.cache. It needs
// only libnss3/libnspr4/libexpat1, which the machine image has. CHROMIUM_PATH picks another one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE = path.join(ROOT, 'node_modules', '@sparticuz', 'chromium');

const ARGS = [
  '--no-sandbox', '--no-zygote', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** The executable: CHROMIUM_PATH, else the packaged one (unpacked on first use; test files may race, the rename settles it). */
export function chromiumExecutable(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const version = (JSON.parse(fs.readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as { version: string }).version;
  const target = path.join(ROOT, 'node_modules', '.cache', `sparticuz-chromium-${version}`, 'chromium');
  if (fs.existsSync(target)) return target;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  fs.writeFileSync(partial, zlib.brotliDecompressSync(fs.readFileSync(path.join(PACKAGE, 'bin', 'chromium.br'))), { mode: 0o755 });
  fs.renameSync(partial, target);
  return target;
}

export interface LaunchedChromium {
  context: BrowserContext;
  /** Closes the browser, then removes its profile folder. */
  close(): Promise<void>;
}

/** A headless browser with a profile folder of its own. */
export async function launchChromium(viewport = { width: 1400, height: 1000 }): Promise<LaunchedChromium> {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, { executablePath: chromiumExecutable(), headless: true, args: ARGS, viewport });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profileDir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
