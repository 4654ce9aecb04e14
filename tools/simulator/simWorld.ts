// One reproducible simulated shop: catalog and population from a seed.
import { generateCatalog, type SimCatalog, type SimOffer } from './catalog';
import { generatePopulation, type SimUser } from './population';
import { Rng } from './rng';

export interface WorldOptions {
  seed?: number;
  users?: number;
  /** Share of users with no history (cold start). Default 0.2. */
  newShare?: number;
  offers?: number;
  products?: number;
  /** Prefix of user ids, so several worlds can share one system. Default "sim-u". */
  userPrefix?: string;
}

export interface SimWorld {
  seed: number;
  rng: Rng;
  catalog: SimCatalog;
  users: SimUser[];
  offersById: Map<string, SimOffer>;
}

export function createWorld(opts: WorldOptions = {}): SimWorld {
  const seed = opts.seed ?? 42;
  const rng = new Rng(seed, 'world');
  const catalog = generateCatalog(rng, { offers: opts.offers ?? 16, products: opts.products ?? 200 });
  const users = generatePopulation(rng, { users: opts.users ?? 2000, newShare: opts.newShare ?? 0.2, idPrefix: opts.userPrefix });
  return { seed, rng, catalog, users, offersById: new Map(catalog.offers.map((o) => [o.id, o])) };
}
