// Loaded first by every function file: app-wide start-up that must precede the first invocation.
import { startTelemetry } from '../src/app/telemetry';

startTelemetry(process.env);
