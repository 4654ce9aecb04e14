// The dashboard's one HTML page: markup and settings only; static/dashboard.js fills it in.
import type { DashboardAsset } from './dashboardAssets';

export const DASHBOARD_REFRESH_SECONDS = 10;

/**
 * Only this origin's own scripts, styles and API; no inline code, no frames, nothing remote.
 * `data:` images cover the empty favicon (which keeps browsers from requesting /favicon.ico).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The page's URL may carry the function key (?code=); never send it elsewhere.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface PageSettings {
  /** Path the page was served at, e.g. /api/dashboard. */
  pagePath: string;
  windowsMinutes: readonly number[];
  refreshSeconds: number;
  assets: Map<string, DashboardAsset>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Panel {
  id: string;
  title: string;
  body: string;
  empty: string;
  wide?: boolean;
}

const canvas = (id: string, label: string) => `<div class="chart"><canvas id="${id}" role="img" aria-label="${label}"></canvas></div>`;

const PANELS: Panel[] = [
  {
    id: 'events', title: 'Events per minute by type', wide: true,
    body: `<p class="note" id="events-note"></p>${canvas('events-chart', 'Events per minute by event type')}`,
    empty: 'No events yet in this period.',
  },
  {
    id: 'ctr', title: 'Offer click-through rate', wide: true,
    body: `<p class="note">Clicks ÷ views per hour, last 24 hours, the offers with the most views.</p>${canvas('ctr-chart', 'Click-through rate per offer over time')}`,
    empty: 'No offer views yet in the last 24 hours.',
  },
  {
    id: 'heatmap', title: 'Events by day of week and hour (UTC), last 28 days', wide: true,
    body: '<label class="picker">Channel <select id="heatmap-channel"><option value="">All channels</option></select></label><div class="scroll"><table class="heat" id="heatmap-table"></table></div>',
    empty: 'No channel activity yet in the last 28 days.',
  },
  {
    id: 'products', title: 'Top products, last 7 days',
    body: `${canvas('products-chart', 'Revenue of the top products')}<div class="scroll"><table class="data" id="products-table"><thead><tr><th>Product</th><th class="num">Views</th><th class="num">Carts</th><th class="num">Purchases</th><th class="num">Revenue</th><th class="num">Conversion</th></tr></thead><tbody></tbody></table></div>`,
    empty: 'No product activity yet in the last 7 days.',
  },
  {
    id: 'model', title: 'Current model',
    body: '<div id="model-list"></div>',
    empty: 'No model has been published to the registry yet.',
  },
  {
    id: 'offpolicy', title: 'Off-policy estimates',
    body: '<table class="data" id="offpolicy-table"><thead><tr><th>Model</th><th>Estimator</th><th>Policy</th><th class="num">Estimate</th><th class="num">Interval</th></tr></thead><tbody></tbody></table>',
    empty: 'No off-policy estimates yet: they come with a trained model.',
  },
  {
    id: 'campaigns', title: 'Campaign plans',
    body: '<table class="data" id="campaigns-table"><thead><tr><th>Campaign</th><th>Status</th><th>Updated</th><th>Summary</th></tr></thead><tbody></tbody></table>',
    empty: 'No campaign plans yet.',
  },
];

function panelHtml(p: Panel): string {
  return `<section id="${p.id}" class="panel${p.wide ? ' wide' : ''}" data-state="loading" aria-labelledby="${p.id}-title">
<h2 id="${p.id}-title">${p.title}</h2>
<div class="content">${p.body}</div>
<p class="empty" hidden>${p.empty}</p>
<p class="error" hidden></p>
</section>`;
}

export function renderDashboardPage(s: PageSettings): string {
  const page = s.pagePath.replace(/\/+$/, '');
  const apiBase = page.slice(0, page.lastIndexOf('/') + 1);
  const asset = (name: string) => {
    const a = s.assets.get(name);
    return escapeHtml(`${page}/assets/${name}${a ? `?v=${a.hash}` : ''}`);
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Personalization dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('dashboard.css')}">
<script src="${asset('chart.umd.min.js')}" defer></script>
<script src="${asset('dashboard.js')}" defer></script>
</head>
<body data-api-base="${escapeHtml(apiBase)}" data-windows="${s.windowsMinutes.join(',')}" data-refresh-seconds="${s.refreshSeconds}">
<header>
<h1>Personalization dashboard</h1>
<p id="status" role="status">Loading…</p>
</header>
<main>
${PANELS.map(panelHtml).join('\n')}
</main>
</body>
</html>
`;
}
