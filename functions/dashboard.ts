import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { serveDashboardAsset } from '../src/dashboard/assetEndpoint';
import { serveDashboardPage } from '../src/dashboard/pageEndpoint';
import { serveDashboardStatus } from '../src/dashboard/statusEndpoint';

// The page and its status data need the function key (?code= when opening the page; the page
// sends it on as x-functions-key). See docs/dashboard.md.
app.http('dashboard', {
  route: 'api/dashboard',
  methods: ['GET'],
  authLevel: 'function',
  handler: (request, context) => serveDashboardPage(request, appServices().clients, (message) => context.warn(message)),
});

app.http('dashboardStatus', {
  route: 'api/dashboard/status',
  methods: ['GET'],
  authLevel: 'function',
  handler: (_request, context) => serveDashboardStatus(appServices().clients, (message) => context.warn(message)),
});

// Anonymous: a <script>/<link> cannot send a key, and these are only the page's code and Chart.js, no data.
app.http('dashboardAssets', {
  route: 'api/dashboard/assets/{name}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: (request, context) => serveDashboardAsset(request, (message) => context.warn(message)),
});
