import crypto from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { exportModelArchive, ModelImportError, readModelArchive } from '../../src/ranking/modelTransfer';
import { readStoredZip, writeStoredZip } from '../../src/common/storedZip';

const key = crypto.randomBytes(32);
const model = crypto.randomBytes(5000);
const manifest = { schemaVersion: 1, name: 'offer-ranker', version: 'v7', metrics: { auc: 0.7 } };

const failure = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error as ModelImportError;
  }
  throw new Error('did not throw');
};

describe('model export archive', () => {
  it('round-trips the model and manifest, verified with any of the keys', () => {
    const archive = exportModelArchive(model, manifest, key);
    expect(readStoredZip(archive).map((e) => e.name)).toEqual(['model.onnx', 'manifest.json', 'signature.json']);
    const read = readModelArchive(archive, [crypto.randomBytes(32), key]);
    expect(read.model.equals(model)).toBe(true);
    expect(read.manifest).toEqual(manifest);
  });

  it('refuses an archive signed with another key, or with a changed model or manifest', () => {
    const archive = exportModelArchive(model, manifest, key);
    expect(failure(() => readModelArchive(archive, [crypto.randomBytes(32)]))).toMatchObject({ kind: 'signature' });
    const entries = readStoredZip(archive);
    const tampered = writeStoredZip(entries.map((e) => (e.name === 'manifest.json' ? { ...e, data: Buffer.from(JSON.stringify({ ...manifest, version: 'v8' })) } : e)));
    expect(failure(() => readModelArchive(tampered, [key]))).toMatchObject({ kind: 'signature' });
    const flipped = Buffer.from(archive);
    flipped[100] ^= 1; // inside model.onnx: the CRC check catches it before the signature
    expect(failure(() => readModelArchive(flipped, [key]))).toMatchObject({ kind: 'format', message: expect.stringContaining('CRC') });
  });

  it('refuses what is not an archive it wrote', () => {
    expect(failure(() => readModelArchive(Buffer.from('not a zip'), [key]))).toMatchObject({ kind: 'format' });
    const unsigned = writeStoredZip([{ name: 'model.onnx', data: model }, { name: 'manifest.json', data: Buffer.from('{}') }]);
    expect(failure(() => readModelArchive(unsigned, [key])).message).toContain('no signature.json');
  });
});
