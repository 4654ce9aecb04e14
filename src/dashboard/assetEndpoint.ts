// GET /api/dashboard/assets/{name}: the page's script, style sheet and chart library.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { dashboardAssets, type DashboardAsset } from './dashboardAssets';
import { jsonResponse } from './jsonResponse';

const YEAR_SECONDS = 31_536_000;

export function handleAssetRequest(request: HttpRequest, assets: Map<string, DashboardAsset>): HttpResponseInit {
  const name = request.params.name ?? '';
  const asset = assets.get(name);
  if (!asset) return jsonResponse(404, { error: `name: no dashboard asset is called "${name.slice(0, 60)}"`, parameter: 'name' });
  const etag = `"${asset.hash}"`;
  // A URL carrying the current hash never changes meaning; any other URL must revalidate.
  const cacheControl = request.query.get('v') === asset.hash ? `public, max-age=${YEAR_SECONDS}, immutable` : 'no-cache';
  const headers = { etag, 'cache-control': cacheControl, 'x-content-type-options': 'nosniff' };
  const ifNoneMatch = request.headers.get('if-none-match');
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    return { status: 304, headers };
  }
  return { status: 200, body: asset.body, headers: { ...headers, 'content-type': asset.contentType } };
}

export function serveDashboardAsset(request: HttpRequest, log: (message: string) => void): HttpResponseInit {
  let assets: Map<string, DashboardAsset>;
  try {
    assets = dashboardAssets();
  } catch (error) {
    log(`dashboard assets: ${(error as Error).message}`);
    return jsonResponse(503, { error: 'dashboard assets are missing from this deployment' });
  }
  return handleAssetRequest(request, assets);
}
