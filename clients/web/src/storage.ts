// First-party storage: the page's own localStorage, never a cookie shared with another site.
// Nothing is written here before consent (the tracker only hands this store out after it).

/** What the tracker keeps: the anonymous id, the signed-in user and the offline queue. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const KEYS = { anonymousId: 'pz.aid', user: 'pz.user', queue: 'pz.queue' } as const;

/** The page's localStorage when it works (it throws in some private modes and when disabled). */
export function pageStorage(): KeyValueStore | undefined {
  try {
    const s = globalThis.localStorage;
    s.setItem('pz.probe', '1');
    s.removeItem('pz.probe');
    return s;
  } catch {
    return undefined;
  }
}

/** Reads a JSON value; undefined when absent or unreadable (a full or tampered store must not break the page). */
export function readJson<T>(store: KeyValueStore | undefined, key: string): T | undefined {
  try {
    const text = store?.getItem(key);
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a JSON value; false when the store refused it (quota). */
export function writeJson(store: KeyValueStore | undefined, key: string, value: unknown): boolean {
  try {
    store?.setItem(key, JSON.stringify(value));
    return store !== undefined;
  } catch {
    return false;
  }
}
