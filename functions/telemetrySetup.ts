// Imported first by functions/setup.ts, before anything loads @azure/functions: telemetry
// (Azure Monitor OpenTelemetry and the Functions instrumentation, which patches @azure/functions
// when it is first loaded) must start before that.
import { startTelemetry } from '../src/app/telemetry';

startTelemetry(process.env);
