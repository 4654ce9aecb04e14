import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHistory } from '../../../src/products/history/readHistory';
import { catalogFromHistory, categoryFromTitle } from '../../../src/products/catalog/catalogFromHistory';
import { validateProduct } from '../../../src/products/catalog/productSchema';

const SAMPLE = path.join(__dirname, '..', 'fixtures', 'online-retail-sample.csv');

describe('catalog derived from the history', () => {
  it('has one valid, available product per sold product code, titled by its most frequent description', async () => {
    const read = await readHistory(SAMPLE);
    const catalog = catalogFromHistory(read.lines);
    expect(catalog).toHaveLength(new Set(read.lines.map((l) => l.item)).size);
    for (const product of catalog) expect(validateProduct(product)).toMatchObject({ ok: true });
    const frame = catalog.find((p) => p.id === '22041');
    expect(frame).toMatchObject({ title: 'RECORD FRAME 7" SINGLE SIZE', category: 'size', available: true });
    expect(catalog.some((p) => p.id === 'POST')).toBe(false);
  });

  it('takes the latest price and the last word of the title as category', () => {
    const line = (timeMs: number, unitPrice: number) => ({ basket: 'b', item: 'x1', title: 'WHITE METAL LANTERN', quantity: 1, unitPrice, timeMs, line: 2 });
    const [p] = catalogFromHistory([line(2, 4), line(1, 3)]);
    expect(p).toMatchObject({ price: 4, category: 'lantern', features: { lines: 2 } });
    expect(categoryFromTitle('SET OF 3 CAKE TINS, PANTRY DESIGN')).toBe('design');
    expect(categoryFromTitle('???')).toBe('other');
  });
});
