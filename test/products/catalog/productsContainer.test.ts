// The product catalog's container exists in Azure as the code makes it locally (partition key /id,
// the name ProductsContainer defaults to): the app's identity may not create containers there,
// so without it every catalog route and availability check would fail.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProductSettings } from '../../../src/config/productSettings';
import { buildModel } from '../../../tools/bicep/bicepModel';
import { jsonValue } from '../../../tools/bicep/literals';
import { parseBicep } from '../../../tools/bicep/parseBicep';

const infra = path.join(__dirname, '../../../infra');
const varOf = (file: string, name: string) => {
  const node = buildModel(parseBicep(fs.readFileSync(path.join(infra, file), 'utf8'))).vars.get(name);
  return node && jsonValue(node);
};

describe('products container in infra/', () => {
  it('is created with partition key /id under the name the app is given', () => {
    const name = readProductSettings({}).productsContainer;
    expect(varOf('main.bicep', 'productsContainerName')).toBe(name);
    const containers = varOf('app/cosmos.bicep', 'containers') as { name: string; partitionKeyPath: string }[];
    expect(containers.find((c) => c.name === name)).toMatchObject({ partitionKeyPath: '/id' });
    expect(fs.readFileSync(path.join(infra, 'app/functionApp.bicep'), 'utf8')).toMatch(/^\s+ProductsContainer: productsContainerName$/m);
  });
});
