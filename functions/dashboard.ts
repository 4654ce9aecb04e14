import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { serveDashboardAsset } from '../src/dashboard/assetEndpoint';
import { serveDashboardPage } from '../src/dashboard/pageEndpoint';
import { serveDashboardStatus } from '../src/dashboard/statusEndpoint';

// The page itself holds no data and is anonymous: it is opened with the function key in its
// fragment (#code=…, never sent to a server, so never in a request log) and sends the key as
// x-functions-key to the data routes, which need it. See docs/dashboard.md.
app.http('dashboard', {
  route: 'api/dashboard',
  methods: ['GET'],
  authLevel: 'anonymous',
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
