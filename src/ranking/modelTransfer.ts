// Personalizer's model export/import as this service does it: the export is a ZIP of the ONNX
// model, its manifest (feature contract, metrics, training range) and a signature; the import
// takes such an archive from this or another deployment that shares a signing key
// (RankingSigningKeys), so a model can only come from a trusted trainer. The signature is
// HMAC-SHA256 over the SHA-256 of both files, with a domain prefix of its own.
import crypto from 'node:crypto';
import { readStoredZip, writeStoredZip, ZipFormatError } from '../common/storedZip';

export const MODEL_ENTRY = 'model.onnx';
export const MANIFEST_ENTRY = 'manifest.json';
export const SIGNATURE_ENTRY = 'signature.json';
const DOMAIN = 'pzr-model-v1\u0000';

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

function signature(key: Buffer, model: Buffer, manifest: Buffer): string {
  return crypto.createHmac('sha256', key).update(DOMAIN).update(sha256(model)).update('\u0000').update(sha256(manifest)).digest('base64url');
}

export function exportModelArchive(model: Buffer, manifest: unknown, key: Buffer): Buffer {
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2), 'utf8');
  const sig = Buffer.from(JSON.stringify({ algorithm: 'HMAC-SHA256', signature: signature(key, model, manifestBytes) }), 'utf8');
  return writeStoredZip([
    { name: MODEL_ENTRY, data: model },
    { name: MANIFEST_ENTRY, data: manifestBytes },
    { name: SIGNATURE_ENTRY, data: sig },
  ]);
}

export class ModelImportError extends Error {
  constructor(readonly kind: 'format' | 'signature', message: string) {
    super(message);
  }
}

/** The model and manifest of an archive signed with one of `keys`; ModelImportError otherwise. */
export function readModelArchive(archive: Buffer, keys: readonly Buffer[]): { model: Buffer; manifest: unknown } {
  let entries;
  try {
    entries = readStoredZip(archive);
  } catch (error) {
    if (error instanceof ZipFormatError) throw new ModelImportError('format', `body: ${error.message}; send the archive GET /model?signed=true exported`);
    throw error;
  }
  const get = (name: string) => {
    const e = entries.find((x) => x.name === name);
    if (!e) throw new ModelImportError('format', `body: the archive has no ${name}`);
    return e.data;
  };
  const model = get(MODEL_ENTRY);
  const manifestBytes = get(MANIFEST_ENTRY);
  const signatureBytes = get(SIGNATURE_ENTRY);
  let presented: unknown;
  try {
    presented = (JSON.parse(signatureBytes.toString('utf8')) as { signature?: unknown }).signature;
  } catch {
    throw new ModelImportError('format', `body: ${SIGNATURE_ENTRY} is not JSON`);
  }
  if (typeof presented !== 'string') throw new ModelImportError('signature', 'body: the archive is not signed');
  const given = Buffer.from(presented, 'utf8');
  const valid = keys.some((key) => {
    const expected = Buffer.from(signature(key, model, manifestBytes), 'utf8');
    return expected.length === given.length && crypto.timingSafeEqual(expected, given);
  });
  if (!valid) throw new ModelImportError('signature', 'body: the signature does not match any of this service\'s signing keys');
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8'));
  } catch {
    throw new ModelImportError('format', `body: ${MANIFEST_ENTRY} is not JSON`);
  }
  return { model, manifest };
}
