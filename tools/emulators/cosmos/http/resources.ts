// The database account, databases, containers and partition key ranges.
import { randomUUID } from 'node:crypto';
import { newContainerRid, newDbRid, type DbMeta } from '../store/account';
import { ContainerStore, type ContainerMeta } from '../store/container';
import { badRequest, conflict, CosmosError, notFound, preconditionFailed } from './errors';
import { etagMatches, header, parseObjectBody, validateId, type Emulator, type Reply, type Request } from './context';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const newEtag = () => `"${randomUUID()}"`;

export function databaseAccount(req: Request): Reply {
  const location = { name: 'South Central US', databaseAccountEndpoint: req.endpoint };
  return {
    status: 200,
    body: {
      _self: '',
      id: 'cosmos-emulator',
      _rid: new URL(req.endpoint).host,
      media: '//media/',
      addresses: '//addresses/',
      _dbs: '//dbs/',
      writableLocations: [location],
      readableLocations: [location],
      enableMultipleWriteLocations: false,
      userReplicationPolicy: { asyncReplication: false, minReplicaSetSize: 1, maxReplicasetSize: 4 },
      userConsistencyPolicy: { defaultConsistencyLevel: 'Session' },
      systemReplicationPolicy: { minReplicaSetSize: 1, maxReplicasetSize: 4 },
      readPolicy: { primaryReadCoefficient: 1, secondaryReadCoefficient: 1 },
      queryEngineConfiguration:
        '{"maxSqlQueryInputLength":262144,"maxJoinsPerSqlQuery":5,"maxLogicalAndPerSqlQuery":500,"maxLogicalOrPerSqlQuery":500,"maxUdfRefPerSqlQuery":10,"maxInExpressionItemsCount":16000,"queryMaxInMemorySortDocumentCount":500,"maxQueryRequestTimeoutFraction":0.9,"sqlAllowNonFiniteNumbers":false,"sqlAllowAggregateFunctions":true,"sqlAllowSubQuery":true,"sqlAllowScalarSubQuery":true,"allowNewKeywords":true,"sqlAllowLike":true,"sqlAllowGroupByClause":true,"maxSpatialQueryCells":12,"spatialMaxGeometryPointCount":256,"sqlDisableOptimizationFlags":0,"sqlAllowTop":true,"enableSpatialIndexing":true}',
    },
  };
}

// ---- databases ----

export function listDatabases(emu: Emulator): Reply {
  const dbs = [...emu.account.databases.values()].map((d) => d.meta);
  return { status: 200, body: { _rid: '', Databases: dbs, _count: dbs.length } };
}

export function createDatabase(emu: Emulator, req: Request): Reply {
  const body = parseObjectBody(req);
  const id = validateId(body.id);
  if (emu.account.databases.has(id)) throw conflict();
  const rid = newDbRid();
  const meta: DbMeta = { id, _rid: rid, _self: `dbs/${rid}/`, _etag: newEtag(), _colls: 'colls/', _users: 'users/', _ts: nowSeconds() };
  emu.record({ t: 'db', d: meta });
  emu.account.databases.set(id, { meta, containers: new Map() });
  return { status: 201, body: meta, headers: { etag: meta._etag as string } };
}

export function readDatabase(emu: Emulator, dbId: string): Reply {
  const db = emu.account.database(dbId);
  if (!db) throw notFound();
  return { status: 200, body: db.meta, headers: { etag: db.meta._etag as string } };
}

export function deleteDatabase(emu: Emulator, dbId: string): Reply {
  if (!emu.account.database(dbId)) throw notFound();
  emu.record({ t: 'dbdel', id: dbId });
  emu.account.databases.delete(dbId);
  return { status: 204 };
}

// ---- containers ----

const DEFAULT_INDEXING_POLICY = {
  indexingMode: 'consistent',
  automatic: true,
  includedPaths: [{ path: '/*' }],
  excludedPaths: [{ path: '/"_etag"/?' }],
};

function validatePartitionKey(pk: unknown): Record<string, unknown> {
  if (pk === undefined || pk === null) {
    throw badRequest('The partition key definition is missing: this emulator (like API version 2018-12-31 and later) requires one.');
  }
  if (typeof pk !== 'object' || Array.isArray(pk)) throw badRequest('The partition key definition must be an object with "paths".');
  const def = pk as Record<string, unknown>;
  const paths = def.paths;
  if (!Array.isArray(paths) || paths.length === 0 || paths.some((p) => typeof p !== 'string' || !p.startsWith('/') || p.length < 2)) {
    throw badRequest("The partition key definition's paths must be a non-empty array of paths like \"/pk\".");
  }
  const kind = def.kind ?? (paths.length > 1 ? 'MultiHash' : 'Hash');
  if (kind !== 'Hash' && kind !== 'MultiHash') throw badRequest(`Partition key kind '${String(kind)}' is not supported (Hash and MultiHash are).`);
  if (paths.length > 3) throw badRequest('A hierarchical partition key has at most 3 paths.');
  if (paths.length > 1 && kind !== 'MultiHash') throw badRequest('A partition key with more than one path must be of kind MultiHash.');
  return { ...def, paths, kind, version: def.version ?? 2 };
}

function validateDefaultTtl(ttl: unknown): void {
  if (ttl === undefined || ttl === null) return;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || (ttl !== -1 && ttl <= 0) || ttl > 2147483647) {
    throw badRequest("The value of 'defaultTtl' must be -1 or a positive integer number of seconds.");
  }
}

function containerMeta(body: Record<string, unknown>, dbRid: string, rid: string): ContainerMeta {
  const id = validateId(body.id);
  const partitionKey = validatePartitionKey(body.partitionKey);
  validateDefaultTtl(body.defaultTtl);
  if (body.indexingPolicy !== undefined && (typeof body.indexingPolicy !== 'object' || body.indexingPolicy === null || Array.isArray(body.indexingPolicy))) {
    throw badRequest('The indexing policy must be an object.');
  }
  const { _rid: _a, _self: _b, _etag: _c, _ts: _d, _docs: _e, _sprocs: _f, _triggers: _g, _udfs: _h, _conflicts: _i, ...rest } = body;
  const meta: ContainerMeta = {
    ...rest,
    id,
    indexingPolicy: { ...DEFAULT_INDEXING_POLICY, ...((body.indexingPolicy as object | undefined) ?? {}) },
    partitionKey,
    conflictResolutionPolicy: body.conflictResolutionPolicy ?? { mode: 'LastWriterWins', conflictResolutionPath: '/_ts', conflictResolutionProcedure: '' },
    geospatialConfig: body.geospatialConfig ?? { type: 'Geography' },
    _rid: rid,
    _ts: nowSeconds(),
    _self: `dbs/${dbRid}/colls/${rid}/`,
    _etag: newEtag(),
    _docs: 'docs/',
    _sprocs: 'sprocs/',
    _triggers: 'triggers/',
    _udfs: 'udfs/',
    _conflicts: 'conflicts/',
  };
  if (meta.defaultTtl === null) delete meta.defaultTtl;
  return meta;
}

function databaseOrThrow(emu: Emulator, dbId: string) {
  const db = emu.account.database(dbId);
  if (!db) throw notFound();
  return db;
}

export function listContainers(emu: Emulator, dbId: string): Reply {
  const db = databaseOrThrow(emu, dbId);
  const colls = [...db.containers.values()].map((c) => c.meta);
  return { status: 200, body: { _rid: db.meta._rid, DocumentCollections: colls, _count: colls.length } };
}

export function createContainer(emu: Emulator, req: Request, dbId: string): Reply {
  const db = databaseOrThrow(emu, dbId);
  const body = parseObjectBody(req);
  const meta = containerMeta(body, db.meta._rid, newContainerRid(db.meta._rid));
  if (db.containers.has(meta.id)) throw conflict();
  emu.record({ t: 'coll', db: dbId, d: meta, lsn: 0, rc: 0 });
  db.containers.set(meta.id, new ContainerStore(meta, dbId));
  return { status: 201, body: meta, headers: { etag: meta._etag as string } };
}

export function readContainer(emu: Emulator, dbId: string, collId: string): Reply {
  const c = databaseOrThrow(emu, dbId).containers.get(collId);
  if (!c) throw notFound();
  return { status: 200, body: c.meta, headers: { etag: c.meta._etag as string } };
}

export function replaceContainer(emu: Emulator, req: Request, dbId: string, collId: string): Reply {
  const db = databaseOrThrow(emu, dbId);
  const c = db.containers.get(collId);
  if (!c) throw notFound();
  if (!etagMatches(header(req, 'if-match'), c.meta._etag)) throw preconditionFailed();
  const body = parseObjectBody(req);
  if (body.id !== collId) throw badRequest(`The id '${String(body.id)}' in the body does not match the container '${collId}' addressed.`);
  const meta = containerMeta(body, db.meta._rid, c.rid);
  const before = JSON.stringify((c.meta.partitionKey as { paths: string[] }).paths);
  if (JSON.stringify((meta.partitionKey as { paths: string[] }).paths) !== before) {
    throw badRequest('Partition key paths of an existing container cannot be changed.');
  }
  meta._ts = c.meta._ts;
  emu.record({ t: 'coll', db: dbId, d: meta });
  c.setMeta(meta);
  return { status: 200, body: meta, headers: { etag: meta._etag as string } };
}

export function deleteContainer(emu: Emulator, dbId: string, collId: string): Reply {
  const db = databaseOrThrow(emu, dbId);
  if (!db.containers.has(collId)) throw notFound();
  emu.record({ t: 'colldel', db: dbId, id: collId });
  db.containers.delete(collId);
  return { status: 204 };
}

export function containerOrThrow(emu: Emulator, dbId: string, collId: string): ContainerStore {
  const c = emu.account.container(dbId, collId);
  if (!c) throw notFound();
  return c;
}

export function partitionKeyRanges(emu: Emulator, dbId: string, collId: string): Reply {
  const c = containerOrThrow(emu, dbId, collId);
  const range = {
    _rid: c.rid,
    id: '0',
    _etag: '"pkrange-0"',
    minInclusive: '',
    maxExclusive: 'FF',
    ridPrefix: 0,
    _self: `${c.meta._self as string}pkranges/${c.rid}/`,
    throughputFraction: 1,
    status: 'online',
    parents: [],
    ownedArchivalPKRangeIds: [],
    _ts: c.meta._ts,
    _lsn: c.lsn,
  };
  return { status: 200, headers: { etag: '"pkranges-1"', 'x-ms-item-count': 1 }, body: { _rid: c.rid, PartitionKeyRanges: [range], _count: 1 } };
}

export function unsupported(what: string): CosmosError {
  return badRequest(`${what} is not supported by this Cosmos DB emulator.`);
}
