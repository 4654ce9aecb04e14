// GET /api/dashboard and /api/dashboard/assets/{name}: see dashboardFuzz.ts.
import { dashboardFuzz } from './dashboardFuzz';

dashboardFuzz(['GET /api/dashboard', 'GET /api/dashboard/assets/{name}']);
