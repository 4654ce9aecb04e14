// Small helpers for containers whose documents are partitioned by their own id (/id): the
// idKeyedStore's catalogs and the Personalizer API's jobs.
import type { Container } from '@azure/cosmos';

/** The HTTP status of a Cosmos DB SDK error (the SDK puts it in `code`, some paths in `statusCode`). */
export const cosmosStatusOf = (error: unknown): unknown =>
  (error as { statusCode?: unknown } | null)?.statusCode ?? (error as { code?: unknown } | null)?.code;

/** Deletes the document with this id (its own partition key); true when it existed. */
export async function deleteOwnPartitionDocument(container: Container, id: string): Promise<boolean> {
  try {
    await container.item(id, id).delete();
    return true;
  } catch (error) {
    if (cosmosStatusOf(error) === 404) return false;
    throw error;
  }
}
