// Deterministic document ids and partition key values. Cosmos ids may not contain / \ ? #, and
// are at most 255 characters, so free-text key parts are escaped and long ones shortened with a hash.
import { createHash } from 'node:crypto';

const UNSAFE = /[^A-Za-z0-9._@-]/g;
const MAX_PART = 100;

/** Injective escaping of one key part (every character outside [A-Za-z0-9._@-] becomes ~XXXX). */
export function encodeKeyPart(raw: string): string {
  const escaped = raw.replace(UNSAFE, (c) => `~${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (escaped.length <= MAX_PART) return escaped;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 32);
  return `${escaped.slice(0, MAX_PART - 35)}~h${hash}`;
}

/** A profile's id is the user's id itself when that is a valid Cosmos id, else its escaped form. */
export function profileDocumentId(userKey: string): string {
  return /[/\\?#]/.test(userKey) || userKey.length > 255 ? encodeKeyPart(userKey) : userKey;
}
