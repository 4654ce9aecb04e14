// Getting a campaign model out of the registry: once for a batch job (its own onnxruntime
// session), or for serving through the project's ModelWatcher, which validates every new
// version with the shared loader (sha256, contract width, probe) and hot-swaps it.
import type { ModelRegistry } from '../../models/modelRegistry';
import { loadModel, ModelRejectedError } from '../../scoring/loadModel';
import type { LoadedModel } from '../../scoring/loadedModel';
import { buildCampaignModel, CampaignModelError, openCampaignModel, type CampaignModel } from './campaignModel';

/** The given version, or the one `<name>/current` points at. */
export async function loadCampaignModelVersion(registry: ModelRegistry, name: string, version?: string): Promise<CampaignModel> {
  const chosen = version ?? (await registry.readCurrent(name))?.version;
  if (!chosen) throw new CampaignModelError(`model ${name}: no version is promoted yet; train one (campaign:train --promote) first`);
  const stored = await registry.loadVersion(name, chosen);
  return openCampaignModel(stored.bytes, stored.manifest);
}

const campaignParts = new WeakMap<LoadedModel, CampaignModel>();

/** ModelWatcher `load`: the shared checks, then the campaign contract and engines on top. */
export async function loadServingCampaignModel(bytes: Uint8Array, manifest: unknown, expectedSha256?: string): Promise<LoadedModel> {
  const base = await loadModel(bytes, manifest, expectedSha256);
  try {
    campaignParts.set(base, await buildCampaignModel(bytes, base.manifest, (matrix, rows) => base.score(matrix, rows), async () => {}));
    return base;
  } catch (error) {
    await base.release();
    throw new ModelRejectedError((error as Error).message);
  }
}

/** The campaign view of a model loaded by loadServingCampaignModel. */
export function campaignModelOf(loaded: LoadedModel | undefined): CampaignModel | undefined {
  return loaded ? campaignParts.get(loaded) : undefined;
}
