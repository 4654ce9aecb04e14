// The containers the aggregation creates for itself locally are the ones infra/ creates in Azure:
// same partition keys and indexing, so a query that is cheap locally is cheap there.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTAINER_DEFINITIONS } from '../../src/aggregation/containers';
import { buildModel } from '../../tools/bicep/bicepModel';
import { jsonValue } from '../../tools/bicep/literals';
import { parseBicep } from '../../tools/bicep/parseBicep';

interface BicepContainer {
  name: string;
  partitionKeyPath: string;
  includedPaths: { path: string }[];
  excludedPaths: { path: string }[];
  compositeIndexes: { path: string; order: string }[][];
}

function bicepContainers(): BicepContainer[] {
  const source = fs.readFileSync(path.join(__dirname, '../../infra/app/cosmos.bicep'), 'utf8');
  const node = buildModel(parseBicep(source)).vars.get('containers');
  const value = node && jsonValue(node);
  if (!Array.isArray(value)) throw new Error('infra/app/cosmos.bicep: var containers is not a literal array');
  return value as BicepContainer[];
}

describe('aggregation containers in infra/', () => {
  it('have the partition keys and indexing policies the code creates locally', () => {
    const inBicep = bicepContainers();
    for (const definition of CONTAINER_DEFINITIONS) {
      const bicep = inBicep.find((c) => c.name === definition.id);
      expect(bicep, `container ${definition.id} in infra/app/cosmos.bicep`).toBeDefined();
      const policy = definition.indexingPolicy!;
      expect({
        partitionKey: bicep!.partitionKeyPath,
        included: bicep!.includedPaths,
        excluded: bicep!.excludedPaths,
        composite: bicep!.compositeIndexes,
      }, definition.id).toEqual({
        partitionKey: definition.partitionKey && typeof definition.partitionKey === 'object' && 'paths' in definition.partitionKey ? definition.partitionKey.paths[0] : undefined,
        included: policy.includedPaths,
        excluded: policy.excludedPaths,
        composite: policy.compositeIndexes ?? [],
      });
    }
  });
});
