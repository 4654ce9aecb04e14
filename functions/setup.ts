// Loaded first by every function file: app-wide start-up that must precede the first invocation,
// and the shutdown of the process's services when the host stops the app.
import './telemetrySetup';
import { app } from '@azure/functions';
import { closeAppServices } from '../src/app/appServices';

app.hook.appTerminate(() => closeAppServices());
