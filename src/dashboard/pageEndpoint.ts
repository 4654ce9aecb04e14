// GET /api/dashboard: the page, with its security headers.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { AzureClients } from '../clients/azureClients';
import { dashboardAssets, type DashboardAsset } from './dashboardAssets';
import { DASHBOARD_REFRESH_SECONDS, PAGE_HEADERS, renderDashboardPage } from './dashboardPage';

export function handlePageRequest(request: HttpRequest, windowsMinutes: readonly number[], assets: Map<string, DashboardAsset>): HttpResponseInit {
  const html = renderDashboardPage({
    pagePath: new URL(request.url).pathname,
    windowsMinutes,
    refreshSeconds: DASHBOARD_REFRESH_SECONDS,
    assets,
  });
  return { status: 200, body: html, headers: PAGE_HEADERS };
}

export function serveDashboardPage(request: HttpRequest, services: AzureClients, log: (message: string) => void): HttpResponseInit {
  let assets: Map<string, DashboardAsset>;
  try {
    assets = dashboardAssets();
  } catch (error) {
    log(`dashboard assets: ${(error as Error).message}`);
    return { status: 503, body: 'The dashboard files are missing from this deployment.', headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } };
  }
  return handlePageRequest(request, services.settings.aggregationWindowsMinutes, assets);
}
