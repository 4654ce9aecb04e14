import { ArchiveWriter, DeadLetterWriter } from '../archive';
import { AppServices } from '../app/appServices';

const writers = new WeakMap<AppServices, { archive: ArchiveWriter; deadLetters: DeadLetterWriter }>();

/** Archive and dead-letter writers, one pair per app instance (they cache container creation). */
export function processingWriters(services: AppServices): { archive: ArchiveWriter; deadLetters: DeadLetterWriter } {
  let pair = writers.get(services);
  if (!pair) {
    const { settings } = services;
    pair = {
      archive: new ArchiveWriter(services.archiveContainer(settings.archiveContainer)),
      deadLetters: new DeadLetterWriter(services.archiveContainer(settings.deadLetterContainer)),
    };
    writers.set(services, pair);
  }
  return pair;
}
