// The Cosmos DB containers aggregation writes (infra/ creates the same ones in Azure).
import type { ContainerDefinition, CosmosClient, Database } from '@azure/cosmos';

export const AGGREGATES_CONTAINER = 'aggregates';
export const PROFILES_CONTAINER = 'profiles';

/**
 * aggregates: partitioned by "<kind>:<key>:<year>" (see documents.ts). Everything is indexed for
 * ad-hoc and Power BI queries except `applied` and `appliedEnqueuedMs`, the per-partition
 * bookkeeping that changes on every write; the composite index serves "latest windows of a kind" queries.
 */
export const AGGREGATES_DEFINITION: ContainerDefinition = {
  id: AGGREGATES_CONTAINER,
  partitionKey: { paths: ['/pk'] },
  indexingPolicy: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [{ path: '/*' }],
    excludedPaths: [{ path: '/applied/*' }, { path: '/appliedEnqueuedMs/*' }, { path: '/"_etag"/?' }],
    compositeIndexes: [
      [
        { path: '/kind', order: 'ascending' },
        { path: '/windowMinutes', order: 'ascending' },
        { path: '/windowStart', order: 'descending' },
      ],
    ],
  },
};

/**
 * profiles: one document per user, partitioned by userId and read by point reads; only the few
 * fields a maintenance or analysis query filters on are indexed, which keeps the frequent
 * rewrites of these larger documents cheap.
 */
export const PROFILES_DEFINITION: ContainerDefinition = {
  id: PROFILES_CONTAINER,
  partitionKey: { paths: ['/userId'] },
  indexingPolicy: {
    indexingMode: 'consistent',
    automatic: true,
    includedPaths: [
      { path: '/userId/?' },
      { path: '/kind/?' },
      { path: '/anonymous/?' },
      { path: '/lastSeen/?' },
      { path: '/firstSeen/?' },
      { path: '/events/?' },
      { path: '/totalRevenue/?' },
    ],
    excludedPaths: [{ path: '/*' }],
  },
};

export const CONTAINER_DEFINITIONS: readonly ContainerDefinition[] = [AGGREGATES_DEFINITION, PROFILES_DEFINITION];

function statusOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown } | null;
  const status = e?.statusCode ?? e?.code;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Runs `create`; if the identity may not create (403, data-plane RBAC in Azure, where the infra
 * creates the resources), succeeds when `exists` finds the resource anyway.
 */
async function createOrConfirm(what: string, create: () => Promise<unknown>, exists: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (statusOf(error) !== 403) throw error;
    try {
      await exists();
    } catch (readError) {
      throw new Error(
        `Cosmos DB ${what} does not exist and this identity may not create it (403); deploy the infrastructure first: ${(readError as Error).message}`,
      );
    }
  }
}

/** Creates the database and both containers if missing. */
export async function ensureContainers(client: CosmosClient, databaseId: string): Promise<void> {
  await createOrConfirm(
    `database ${databaseId}`,
    () => client.databases.createIfNotExists({ id: databaseId }),
    () => client.database(databaseId).read(),
  );
  const database: Database = client.database(databaseId);
  for (const definition of CONTAINER_DEFINITIONS) {
    await createOrConfirm(
      `container ${databaseId}/${definition.id}`,
      () => database.containers.createIfNotExists(definition),
      () => database.container(definition.id!).read(),
    );
  }
}
