// The manifest's signature (`<name>/<version>/manifest.sig`): an HMAC-SHA256, with a key of
// ModelSigningKeys, over the exact bytes of manifest.json, which names the model's sha256. A
// writer of the models container without the key can neither change a model nor its manifest
// unnoticed; the loader refuses either (src/models/modelRegistry.ts).
import crypto from 'node:crypto';

export const SIGNATURE_ALGORITHM = 'HMAC-SHA256';

export interface ManifestSignature {
  alg: typeof SIGNATURE_ALGORITHM;
  /** Which key signed (first 8 hex digits of its SHA-256): tells rotations apart in logs, reveals nothing. */
  keyId: string;
  /** base64url HMAC of the manifest bytes. */
  signature: string;
}

export const keyIdOf = (key: Buffer) => crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);

export function signManifest(manifestBytes: Buffer, key: Buffer): ManifestSignature {
  return { alg: SIGNATURE_ALGORITHM, keyId: keyIdOf(key), signature: crypto.createHmac('sha256', key).update(manifestBytes).digest('base64url') };
}

/** Undefined when `signature` is a valid signature of the bytes by one of `keys`; else why not. */
export function manifestSignatureProblem(manifestBytes: Buffer, signature: unknown, keys: readonly Buffer[]): string | undefined {
  const s = signature as Partial<ManifestSignature> | null;
  if (typeof s !== 'object' || s === null || s.alg !== SIGNATURE_ALGORITHM || typeof s.signature !== 'string') {
    return `manifest.sig: is not a ${SIGNATURE_ALGORITHM} signature document`;
  }
  const presented = Buffer.from(s.signature, 'base64url');
  let ok = false;
  for (const key of keys) {
    const expected = crypto.createHmac('sha256', key).update(manifestBytes).digest();
    ok = (presented.length === expected.length && crypto.timingSafeEqual(presented, expected)) || ok;
  }
  return ok ? undefined : 'manifest.sig: does not verify with any key of ModelSigningKeys (the manifest or the model it names changed after signing, or it was signed with another key)';
}
