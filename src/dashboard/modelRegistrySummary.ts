// What the dashboard shows of the model registry (blob container `models`): for each model
// folder, the version `<name>/current` points at, the metrics of `<name>/<version>/manifest.json`
// and the off-policy estimates of that manifest or of `<name>/<version>/report.json`. Anything
// missing or malformed is reported per model instead of failing the whole summary.
import type { ContainerClient } from '@azure/storage-blob';
import { findEstimates, type OffPolicyEstimate } from './offPolicyEstimates';

export interface ModelSummary {
  name: string;
  version: string | null;
  /** When the version was trained or promoted, if the pointer or manifest says. */
  publishedAt?: string;
  metrics: Record<string, number | string | boolean>;
  offPolicy: OffPolicyEstimate[];
  /** Why the model is shown incompletely. */
  problem?: string;
}

const MAX_MODELS = 20;
const MAX_METRICS = 40;
const MAX_JSON_BYTES = 1024 * 1024;
const SAFE_SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._:@-]{1,128}$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function statusOf(error: unknown): number | undefined {
  const s = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

class UnreadableBlob extends Error {}

/** The blob's text, undefined if it does not exist; refuses blobs too large to be metadata. */
async function readText(container: ContainerClient, name: string): Promise<string | undefined> {
  const blob = container.getBlockBlobClient(name);
  try {
    const props = await blob.getProperties();
    if ((props.contentLength ?? 0) > MAX_JSON_BYTES) throw new UnreadableBlob(`${name} is larger than ${MAX_JSON_BYTES} bytes`);
    return (await blob.downloadToBuffer()).toString('utf8');
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

async function readJson(container: ContainerClient, name: string): Promise<unknown> {
  const body = await readText(container, name);
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new UnreadableBlob(`${name} is not valid JSON`);
  }
}

/** `current` holds {"version": "..."} (or currentVersion); a bare version string is accepted too. */
function parsePointer(body: string): { version?: string; at?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { version: body.trim() };
  }
  if (typeof parsed === 'string') return { version: parsed };
  if (!isRecord(parsed)) return {};
  return {
    version: text(parsed.version) ?? text(parsed.currentVersion) ?? text(parsed.current),
    at: text(parsed.updatedAt) ?? text(parsed.promotedAt) ?? text(parsed.publishedAt),
  };
}

function flattenMetrics(metrics: unknown): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  const walk = (node: unknown, prefix: string, depth: number) => {
    if (!isRecord(node) || depth > 2) return;
    for (const [k, v] of Object.entries(node)) {
      if (Object.keys(out).length >= MAX_METRICS) return;
      const key = prefix ? `${prefix}.${k}` : k;
      if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
      else if (typeof v === 'boolean') out[key] = v;
      else if (typeof v === 'string' && v.length <= 200) out[key] = v;
      else if (isRecord(v) && k !== 'offPolicy') walk(v, key, depth + 1);
    }
  };
  walk(metrics, '', 0);
  return out;
}

async function summarizeModel(container: ContainerClient, name: string): Promise<ModelSummary> {
  const summary: ModelSummary = { name, version: null, metrics: {}, offPolicy: [] };
  try {
    const pointer = await readText(container, `${name}/current`);
    if (pointer === undefined) return { ...summary, problem: 'no current version yet' };
    const { version, at } = parsePointer(pointer);
    if (!version || !SAFE_SEGMENT.test(version)) return { ...summary, problem: `${name}/current does not name a version` };
    summary.version = version;
    if (at) summary.publishedAt = at;
    const manifest = await readJson(container, `${name}/${version}/manifest.json`);
    if (!isRecord(manifest)) return { ...summary, problem: `${name}/${version}/manifest.json is missing` };
    summary.metrics = flattenMetrics(manifest.metrics);
    summary.publishedAt ??= text(manifest.createdAt) ?? text(manifest.trainedAt) ?? text(manifest.publishedAt);
    summary.offPolicy = findEstimates(manifest);
    if (summary.offPolicy.length === 0) summary.offPolicy = findEstimates(await readJson(container, `${name}/${version}/report.json`));
    return summary;
  } catch (error) {
    if (error instanceof UnreadableBlob) return { ...summary, problem: error.message };
    throw error;
  }
}

/** Every model folder's summary, by name; [] when the container does not exist yet. */
export async function readModelRegistry(container: ContainerClient): Promise<ModelSummary[]> {
  const names: string[] = [];
  try {
    for await (const item of container.listBlobsByHierarchy('/')) {
      if (item.kind !== 'prefix') continue;
      const name = item.name.replace(/\/$/, '');
      if (SAFE_SEGMENT.test(name)) names.push(name);
      if (names.length >= MAX_MODELS) break;
    }
  } catch (error) {
    if (statusOf(error) === 404) return [];
    throw error;
  }
  const models: ModelSummary[] = [];
  for (const name of names.sort()) models.push(await summarizeModel(container, name));
  return models;
}
