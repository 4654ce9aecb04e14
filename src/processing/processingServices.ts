// What the two Event Hub functions share in one app instance: the archive and dead-letter
// writers (each caches its container's creation) over the instance's clients.
import { ArchiveWriter, DeadLetterWriter } from '../archive';
import type { AzureClients } from '../clients/azureClients';

export class ProcessingServices {
  private archiveInstance?: ArchiveWriter;
  private deadLettersInstance?: DeadLetterWriter;

  constructor(readonly clients: AzureClients) {}

  get archive(): ArchiveWriter {
    this.archiveInstance ??= new ArchiveWriter(this.clients.archiveContainer(this.clients.settings.archiveContainer));
    return this.archiveInstance;
  }

  get deadLetters(): DeadLetterWriter {
    this.deadLettersInstance ??= new DeadLetterWriter(this.clients.archiveContainer(this.clients.settings.deadLetterContainer));
    return this.deadLettersInstance;
  }
}
