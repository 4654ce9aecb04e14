// GET /api/health: see dashboardFuzz.ts.
import { dashboardFuzz } from './dashboardFuzz';

dashboardFuzz(['GET /api/health']);
