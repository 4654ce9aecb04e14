// GET /api/health: see dashboardFuzz.ts.
import { dashboardFuzz } from '../system/dashboardFuzz';

dashboardFuzz(['GET /api/health']);
