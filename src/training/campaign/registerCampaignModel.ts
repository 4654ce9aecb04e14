// Stores a trained campaign model in the model registry (`campaign/<version>/…`) and, if asked,
// points `campaign/current` at it.
import { ModelRegistry, type CurrentPointer } from '../../models/modelRegistry';
import type { ModelManifest } from '../../models/modelManifest';
import { versionFromTime } from '../modelVersion';
import { CAMPAIGN_MODEL_NAME, type TrainedCampaignModel } from './trainCampaignModel';


export async function registerCampaignModel(
  registry: ModelRegistry,
  trained: TrainedCampaignModel,
  opts: { version?: string; promote?: boolean; name?: string } = {},
): Promise<{ manifest: ModelManifest; pointer?: CurrentPointer }> {
  const name = opts.name ?? CAMPAIGN_MODEL_NAME;
  const version = opts.version ?? versionFromTime();
  const manifest = await registry.registerModel(name, version, trained.onnx, trained.manifest);
  if (!opts.promote) return { manifest };
  const current = await registry.readCurrent(name);
  const pointer = await registry.promoteModel(name, version, { ifMatchEtag: current?.etag ?? null });
  return { manifest, pointer };
}
