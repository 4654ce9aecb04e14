// The product recommender's input: the archive's tracked product events (views, cart adds,
// purchases; live capture and imported history alike) read as an interaction log, streamed event
// by event. A purchase's basket is its `properties.basketId` (the history import sets it), else
// the shopper's 30-minute session; the segment is `properties.country`, else the context locale.
import type { ContainerClient } from '@azure/storage-blob';
import { readArchive, readArchiveFolder, type ArchivedEvent } from '../../archive/archiveReader';
import { checkTrackedEvent } from '../../events/eventValidation';
import { InteractionLog, type InteractionKind } from '../../recommendations/interactionLog';

const KINDS: Readonly<Record<string, InteractionKind>> = { product_view: 'view', add_to_cart: 'cart', purchase: 'purchase' };
const SESSION_MS = 30 * 60_000;

export interface ArchiveInteractionCounts {
  events: number;
  interactions: number;
  /** Stored bodies that are not valid tracked events (dead-letter material). */
  invalid: number;
  /** Valid events of other types (offers, decisions, campaigns …). */
  otherTypes: number;
  /** Product events whose id was read before: a client's re-sent copy (the archive keeps both). */
  repeatedIds: number;
}

export interface ReadInteractionsOptions {
  from?: Date;
  to?: Date;
  progress?: (p: { step: string; done: number }) => void;
}

export async function readInteractions(
  archive: { container: ContainerClient } | { folder: string },
  opts: ReadInteractionsOptions = {},
): Promise<{ log: InteractionLog; counts: ArchiveInteractionCounts }> {
  const source: AsyncIterable<ArchivedEvent> =
    'container' in archive ? readArchive(archive.container, { from: opts.from, to: opts.to }) : readArchiveFolder(archive.folder, { from: opts.from, to: opts.to });
  const log = new InteractionLog();
  const counts: ArchiveInteractionCounts = { events: 0, interactions: 0, invalid: 0, otherTypes: 0, repeatedIds: 0 };
  // Ids are the user's: a copy has the same user and id (docs/web-client.md, "Delivery guarantees").
  const seen = new Set<string>();
  for await (const archived of source) {
    counts.events++;
    if (counts.events % 10_000 === 0) opts.progress?.({ step: 'read archive', done: counts.events });
    const check = checkTrackedEvent(archived.body);
    if (!check.ok) {
      counts.invalid++;
      continue;
    }
    const e = check.event;
    const kind = KINDS[e.type];
    const user = e.userId ?? e.anonymousId;
    if (!kind || !e.productId || !user) {
      counts.otherTypes++;
      continue;
    }
    const key = `${user}\u001f${e.id}`;
    if (seen.has(key)) {
      counts.repeatedIds++;
      continue;
    }
    seen.add(key);
    const basketId = e.properties?.basketId;
    const basket = typeof basketId === 'string' || typeof basketId === 'number' ? `b:${basketId}` : `s:${user}:${Math.floor(check.timeMs / SESSION_MS)}`;
    const country = e.properties?.country;
    const segment = typeof country === 'string' ? country : e.context?.locale;
    log.add(user, e.productId, check.timeMs, kind, basket, {
      ...(segment !== undefined ? { segment } : {}),
      ...(e.category !== undefined ? { category: e.category } : {}),
    });
    counts.interactions++;
  }
  opts.progress?.({ step: 'read archive', done: counts.events });
  return { log, counts };
}
