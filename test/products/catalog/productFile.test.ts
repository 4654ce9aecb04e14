import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProductFile, ProductFileError } from '../../../src/products/catalog/productFile';
import { ProductStore } from '../../../src/products/catalog/productStore';
import { startCosmos, type CosmosEmulator } from '../../../tools/emulators/cosmos';
import { createCosmosClient } from '../../../src/clients/cosmosClients';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'product-file-'));
const write = (name: string, text: string) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
};

describe('catalog files', () => {
  let cosmos: CosmosEmulator;
  beforeAll(async () => {
    cosmos = await startCosmos({ dataDir: path.join(tmp, 'cosmos'), port: 0 });
  }, 60_000);
  afterAll(async () => {
    await cosmos?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reads CSV with free features and JSON, and the store writes them all', async () => {
    const csv = write('p.csv', 'id,title,category,price,available,feature.colour,feature.weight\n85123A,"WHITE HANGING HEART T-LIGHT HOLDER, large",holder,2.55,true,white,0.4\n22041,RECORD FRAME,frame,4.96,no,,\n');
    const products = readProductFile(csv);
    expect(products).toEqual([
      { id: '85123A', title: 'WHITE HANGING HEART T-LIGHT HOLDER, large', category: 'holder', price: 2.55, available: true, features: { colour: 'white', weight: 0.4 } },
      { id: '22041', title: 'RECORD FRAME', category: 'frame', price: 4.96, available: false, features: {} },
    ]);
    const json = write('p.json', JSON.stringify([{ id: 'x1', title: 'X', category: 'c', price: 1, available: true }]));
    expect(readProductFile(json)).toHaveLength(1);

    const client = createCosmosClient({ connectionString: cosmos.connectionString });
    const db = (await client.databases.createIfNotExists({ id: 'personalization' })).database;
    const store = new ProductStore(db, 'products');
    expect(await store.putAll(products)).toBe(2);
    expect((await store.list()).map((p) => [p.id, p.available])).toEqual([['22041', false], ['85123A', true]]);
    client.dispose();
  });

  it('names every bad row and column, including repeated ids, and returns nothing', () => {
    const csv = write('bad.csv', 'id,title,category,price,available\na1,A,c,1,true\na2,,c,1,maybe\na1,A,c,1,true\na3,A,c,-1,true\nonly,two\n');
    let error: ProductFileError | undefined;
    try {
      readProductFile(csv);
    } catch (e) {
      error = e as ProductFileError;
    }
    expect(error).toBeInstanceOf(ProductFileError);
    const where = error!.issues.map((i) => `${i.row}:${i.field}`);
    expect(where).toEqual(expect.arrayContaining(['3:title', '3:available', '5:price', '6:(row)', '0:id']));
    expect(() => readProductFile(write('h.csv', 'id,name\n'))).toThrow(/title: column is missing/);
    expect(() => readProductFile(write('j.json', '{"id":1}'))).toThrow(/JSON array/);
  });
});
