import fs from 'node:fs';
import path from 'node:path';

export type InitialOffset = { type: 'fromStart' } | { type: 'fromEnd' } | { type: 'fromEnqueuedTime'; enqueuedTimeUtc: Date };

/** The parts of host.json the local host honours. */
export interface HostConfig {
  routePrefix: string;
  maxRequestBodyBytes: number;
  eventHubs: {
    maxEventBatchSize: number;
    maxWaitTimeSeconds: number;
    prefetchCount: number;
    batchCheckpointFrequency: number;
    initialOffset: InitialOffset;
  };
}

/** "00:00:05" or "1.02:00:00" (TimeSpan) to seconds. */
export function parseTimeSpan(value: string, field: string): number {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(value);
  if (!m) throw new Error(`host.json ${field}: "${value}" is not a TimeSpan like 00:00:05`);
  const [, days, h, min, s, frac] = m;
  return Number(days ?? 0) * 86400 + Number(h) * 3600 + Number(min) * 60 + Number(s) + (frac ? Number(`0.${frac}`) : 0);
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});

export function readHostConfig(appRoot: string): HostConfig {
  const file = path.join(appRoot, 'host.json');
  const host = obj(JSON.parse(fs.readFileSync(file, 'utf8')));
  const extensions = obj(host.extensions);
  const http = obj(extensions.http);
  const eh = obj(extensions.eventHubs);
  const initial = obj(eh.initialOffsetOptions);
  let initialOffset: InitialOffset = { type: 'fromStart' };
  const type = String(initial.type ?? 'fromStart').toLowerCase();
  if (type === 'fromend') initialOffset = { type: 'fromEnd' };
  else if (type === 'fromenqueuedtime') {
    const when = new Date(String(initial.enqueuedTimeUtc));
    if (Number.isNaN(when.getTime())) throw new Error('host.json extensions.eventHubs.initialOffsetOptions.enqueuedTimeUtc: not a date');
    initialOffset = { type: 'fromEnqueuedTime', enqueuedTimeUtc: when };
  }
  return {
    routePrefix: typeof http.routePrefix === 'string' ? http.routePrefix.replace(/^\/+|\/+$/g, '') : 'api',
    maxRequestBodyBytes: 100 * 1024 * 1024,
    eventHubs: {
      maxEventBatchSize: Number(eh.maxEventBatchSize ?? 100),
      maxWaitTimeSeconds: eh.maxWaitTime ? parseTimeSpan(String(eh.maxWaitTime), 'extensions.eventHubs.maxWaitTime') : 60,
      prefetchCount: Number(eh.prefetchCount ?? 300),
      batchCheckpointFrequency: Math.max(1, Number(eh.batchCheckpointFrequency ?? 1)),
      initialOffset,
    },
  };
}

/** Resolves `%SettingName%` binding expressions the way the host does. */
export function resolveBindingExpression(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => {
    const resolved = env[name];
    if (resolved === undefined) throw new Error(`App setting ${name} (used as %${name}%) is not set`);
    return resolved;
  });
}
