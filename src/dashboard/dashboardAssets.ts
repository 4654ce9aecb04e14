// The dashboard's static files, read once from disk: Chart.js's UMD build from node_modules and
// the page's own script and style sheet from ./static. Each is served with a content hash, so
// the page can reference it with ?v=<hash> and browsers may cache it for good.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface DashboardAsset {
  name: string;
  contentType: string;
  body: Buffer;
  /** First 16 characters of the base64url SHA-256 of the body. */
  hash: string;
}

export const ASSET_NAMES = ['chart.umd.min.js', 'dashboard.js', 'dashboard.css'] as const;
export type AssetName = (typeof ASSET_NAMES)[number];

/**
 * ./static next to this file when run from src/ (tests), or the same folder in the source tree
 * when run from dist/src/dashboard (tsc does not copy non-TypeScript files).
 */
export function staticDir(): string {
  const candidates = [path.join(__dirname, 'static'), path.resolve(__dirname, '../../../src/dashboard/static')];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'dashboard.js')));
  if (!found) throw new Error(`dashboard static files not found in ${candidates.join(' or ')}`);
  return found;
}

function chartJsPath(): string {
  // chart.js exports only its module entry points; its UMD build sits next to the CommonJS one.
  return path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

function sourcePath(name: AssetName): string {
  return name === 'chart.umd.min.js' ? chartJsPath() : path.join(staticDir(), name);
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export function loadDashboardAssets(): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  for (const name of ASSET_NAMES) {
    const body = fs.readFileSync(sourcePath(name));
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
    assets.set(name, { name, contentType: CONTENT_TYPES[path.extname(name)], body, hash });
  }
  return assets;
}

let loaded: Map<string, DashboardAsset> | undefined;

/** The assets, read on first use and kept for the life of the instance. */
export function dashboardAssets(): Map<string, DashboardAsset> {
  loaded ??= loadDashboardAssets();
  return loaded;
}
