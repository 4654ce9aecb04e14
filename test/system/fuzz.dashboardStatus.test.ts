// GET /api/dashboard/status: see dashboardFuzz.ts.
import { dashboardFuzz } from './dashboardFuzz';

dashboardFuzz(['GET /api/dashboard/status']);
