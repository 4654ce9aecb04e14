export { aggregateBatch, type AggregateBatchDeps, type AggregateBatchResult } from './aggregateBatch';
export { computeDeltas, type ComputedDeltas, type DocumentDelta } from './deltas';
export { applyDeltas } from './applyDeltas';
export {
  AGGREGATES_CONTAINER, PROFILES_CONTAINER, CONTAINER_DEFINITIONS, ensureContainers,
} from './containers';
