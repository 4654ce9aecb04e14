import { describe, expect, it } from 'vitest';
import { decodeProductArtifact, encodeProductArtifact, ProductArtifactError, servedHistory } from '../../../src/products/model/productArtifact';
import { ProductScorer } from '../../../src/recommendations/scorers';
import { trainProductModel, userHistory } from '../../../src/recommendations/trainProductModel';
import { clusteredLog } from '../../recommendations/fixtures';

describe('product model artifact', () => {
  const log = clusteredLog({ users: 200, items: 80, groups: 5, days: 300, basketsPerUser: 8, seed: 21 });
  const trained = trainProductModel(log, { trees: 15, validationDays: 60 });
  const bytes = encodeProductArtifact(trained, log.userSegment);

  it('decodes to a model that recommends exactly what the trained one does', () => {
    const served = decodeProductArtifact(bytes);
    expect(served.model.items).toEqual(trained.model.items);
    expect(served.model.rescorer).toBeDefined();
    const a = new ProductScorer(trained.model);
    const b = new ProductScorer(served.model);
    for (const user of ['u0', 'u17', 'u150']) {
      const u = log.users.get(user)!;
      const h1 = userHistory(trained.users, u, log.userSegment[u]);
      const h2 = servedHistory(served, user)!;
      expect(Array.from(h2.items)).toEqual(Array.from(h1.items));
      expect(h2.segment).toBe(h1.segment);
      for (const mode of ['all', 'new'] as const) {
        expect(Array.from(b.sar(h2, 10, mode).items)).toEqual(Array.from(a.sar(h1, 10, mode).items));
        const r1 = a.rescored(h1, 10, mode);
        const r2 = b.rescored(h2, 10, mode);
        expect(Array.from(r2.items)).toEqual(Array.from(r1.items));
      }
    }
    expect(servedHistory(served, 'nobody')).toBeUndefined();
  });

  it('refuses bytes that are not a product model, truncated ones, and a tampered re-scorer', () => {
    expect(() => decodeProductArtifact(Buffer.from('nope'))).toThrow(ProductArtifactError);
    expect(() => decodeProductArtifact(bytes.subarray(0, bytes.length - 64))).toThrow(/runs past the end|missing/);
    const tampered = Buffer.from(bytes);
    // The last section is the `new` re-scorer's leaf values: change those of its last trees.
    for (let k = 1; k <= 400; k++) tampered.writeDoubleLE(tampered.readDoubleLE(tampered.length - 8 * k) + 1, tampered.length - 8 * k);
    expect(() => decodeProductArtifact(tampered)).toThrow(/probe/);
  });
});
