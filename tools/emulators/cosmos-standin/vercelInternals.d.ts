// Types for the internal modules of @vercel/cosmosdb-server that the stand-in drives directly
// (the package only exports ready-made servers, which hide the in-memory account).

declare module '@vercel/cosmosdb-server/lib/account/item' {
  export default class Item {
    constructor(data?: Record<string, unknown>);
    read(): Record<string, unknown> | undefined;
  }
}

declare module '@vercel/cosmosdb-server/lib/account/items' {
  import Item from '@vercel/cosmosdb-server/lib/account/item';
  export default class Items<T extends Item = Item> {
    _parent: Item;
    _data: Map<string, T>;
    _ridCount: number;
    create(data: Record<string, unknown>): Record<string, unknown>;
    replace(data: Record<string, unknown>, original: Record<string, unknown>): Record<string, unknown>;
    delete(idOrRid: string, partition?: unknown): void;
    _set(data: Record<string, unknown>): Record<string, unknown>;
    _item(keyPath: string, value: unknown, partition: unknown): T;
    _getPartition(data: Record<string, unknown>): unknown;
  }
}

declare module '@vercel/cosmosdb-server/lib/account/documents' {
  import Items from '@vercel/cosmosdb-server/lib/account/items';
  export default class Documents extends Items {}
}

declare module '@vercel/cosmosdb-server/lib/account/collection' {
  import Item from '@vercel/cosmosdb-server/lib/account/item';
  import Documents from '@vercel/cosmosdb-server/lib/account/documents';
  export default class Collection extends Item {
    documents: Documents;
  }
}

declare module '@vercel/cosmosdb-server/lib/account/collections' {
  import Items from '@vercel/cosmosdb-server/lib/account/items';
  import Collection from '@vercel/cosmosdb-server/lib/account/collection';
  export default class Collections extends Items<Collection> {}
}

declare module '@vercel/cosmosdb-server/lib/account/database' {
  import Item from '@vercel/cosmosdb-server/lib/account/item';
  import Collections from '@vercel/cosmosdb-server/lib/account/collections';
  import Collection from '@vercel/cosmosdb-server/lib/account/collection';
  export default class Database extends Item {
    collections: Collections;
    collection(idOrRid: string): Collection;
  }
}

declare module '@vercel/cosmosdb-server/lib/account/databases' {
  import Items from '@vercel/cosmosdb-server/lib/account/items';
  import Database from '@vercel/cosmosdb-server/lib/account/database';
  export default class Databases extends Items<Database> {}
}

declare module '@vercel/cosmosdb-server/lib/account' {
  import Item from '@vercel/cosmosdb-server/lib/account/item';
  import Databases from '@vercel/cosmosdb-server/lib/account/databases';
  import Database from '@vercel/cosmosdb-server/lib/account/database';
  export default class Account extends Item {
    constructor(host: string, port: number);
    databases: Databases;
    database(idOrRid: string): Database;
    _data: Record<string, unknown>;
  }
}

declare module '@vercel/cosmosdb-server/lib/routes' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import Account from '@vercel/cosmosdb-server/lib/account';
  type Handler = (
    account: Account,
    req: IncomingMessage,
    res: ServerResponse,
    params: Record<string, string>,
  ) => Promise<unknown> | unknown;
  const route: (req: IncomingMessage) => [Record<string, string>, Handler] | undefined;
  export default route;
}
