// One training run of the product recommender: the archive's product events (imported history
// and live capture) → interaction log → SAR tables, popularity, re-scorer → model.bin in the
// registry → `products/current` (unless asked not to). Memory: the interaction log's columns and
// the sparse tables; the archive itself is streamed.
import type { ModelIntegritySettings } from '../../config/modelIntegritySettings';
import type { ContainerClient } from '@azure/storage-blob';
import { trainProductModel } from '../../recommendations/trainProductModel';
import { encodeProductArtifact } from '../../products/model/productArtifact';
import { PRODUCT_MODEL_NAME, ProductModelStore, type ProductManifest } from '../../products/model/productModelStore';
import { TrainingDataError } from '../trainingDataError';
import { versionFromTime } from '../modelVersion';
import { readInteractions, type ArchiveInteractionCounts } from './archiveInteractions';

export interface ProductTrainingOptions {
  archive: { container: ContainerClient } | { folder: string };
  registry: ContainerClient;
  /** Signs the registered model (ModelSigningKeys); default: unsigned. */
  integrity?: ModelIntegritySettings;
  name?: string;
  from?: Date;
  to?: Date;
  promote?: boolean;
  /** Below this many interactions the run is rejected. Default 100. */
  minInteractions?: number;
  now?: () => Date;
  progress?: (p: { step: string; done: number; total?: number }) => void;
  log?: (line: string) => void;
}

export interface ProductTrainingResult {
  status: 'promoted' | 'registered';
  manifest: ProductManifest;
  counts: ArchiveInteractionCounts;
  trainSeconds: number;
  bytes: number;
}

export async function runProductTraining(opts: ProductTrainingOptions): Promise<ProductTrainingResult> {
  const started = performance.now();
  const name = opts.name ?? PRODUCT_MODEL_NAME;
  let read;
  try {
    read = await readInteractions(opts.archive, { from: opts.from, to: opts.to, progress: opts.progress });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) throw new TrainingDataError('the archive container does not exist yet: nothing to train on');
    throw error;
  }
  const { log, counts } = read;
  const min = opts.minInteractions ?? 100;
  if (counts.interactions < min) {
    throw new TrainingDataError(`the archive holds ${counts.interactions} product interactions${opts.from || opts.to ? ' in the asked range' : ''}; at least ${min} are needed (import a history with npm run history:import)`);
  }
  opts.log?.(`read ${counts.interactions} interactions of ${log.users.size} shoppers and ${log.items.size} products`);
  const trained = trainProductModel(log, { nowMs: opts.to ? Math.min(opts.to.getTime(), log.maxTime) : log.maxTime, progress: opts.progress });
  const bytes = encodeProductArtifact(trained, log.userSegment);
  const store = new ProductModelStore(opts.registry, opts.integrity);
  const at = opts.now?.() ?? new Date();
  const version = versionFromTime(at);
  const trainSeconds = (performance.now() - started) / 1000;
  const manifest = await store.register(name, version, bytes, {
    createdAt: at.toISOString(),
    trainingData: { from: new Date(log.minTime).toISOString(), to: new Date(log.maxTime).toISOString(), interactions: counts.interactions, users: log.users.size, items: log.items.size },
    metrics: {
      trainSeconds,
      rescorer: trained.model.rescorer ? 1 : 0,
      ...(trained.rescorerRows ? { rescorerRowsAll: trained.rescorerRows.all.rows, rescorerRowsNew: trained.rescorerRows.new.rows } : {}),
    },
    producer: 'npm run train -- --model products',
  });
  if (opts.promote !== false) await store.promote(name, version);
  return { status: opts.promote !== false ? 'promoted' : 'registered', manifest, counts, trainSeconds, bytes: bytes.length };
}
