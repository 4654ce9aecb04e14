// local.settings.json, the app settings of a local run, read the way Core Tools reads it: the
// local runtime, `npm run train` and the campaign commands all take their settings from here.
import fs from 'node:fs';
import path from 'node:path';

export interface LocalSettings {
  values: Record<string, string>;
  cors?: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});

/** `Values` become environment variables, `Host.CORS` the allowed origins; no file, no values. */
export function readLocalSettings(appRoot: string): LocalSettings {
  const file = path.join(appRoot, 'local.settings.json');
  if (!fs.existsSync(file)) return { values: {} };
  const json = obj(JSON.parse(fs.readFileSync(file, 'utf8')));
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(json.Values))) values[k] = String(v);
  const host = obj(json.Host);
  return { values, cors: typeof host.CORS === 'string' ? host.CORS : undefined };
}

/** Fills unset environment variables from `appRoot`'s local.settings.json (the environment wins, as with `func start`). */
export function loadLocalSettings(appRoot = process.cwd()): void {
  for (const [key, value] of Object.entries(readLocalSettings(appRoot).values)) if (process.env[key] === undefined) process.env[key] = value;
}
