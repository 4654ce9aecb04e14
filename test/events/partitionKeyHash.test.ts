import { describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import path from 'node:path';
import { hashPartitionKey, partitionIndexForKey } from '../../src/events/partitionKeyHash';

// The SDK's own client-side mapper (used by EventHubBufferedProducerClient) is the reference.
const sdkMapper = require(
  path.join(path.dirname(require.resolve('@azure/event-hubs')), 'impl/partitionKeyToIdMapper.js'),
) as { hashPartitionKey(key: string): number; mapPartitionKeyToId(key: string, count: number): number };

describe('partition key hashing', () => {
  it('matches the SDK mapper for keys of every tail length, unicode and random keys', () => {
    const keys: string[] = [''];
    for (let len = 1; len <= 40; len++) keys.push('k'.repeat(len), crypto.randomBytes(len).toString('base64').slice(0, len));
    keys.push('user-42', 'ünïcødé-κλειδί-🔑', 'a b c', crypto.randomUUID());
    for (let i = 0; i < 500; i++) keys.push(crypto.randomBytes(1 + (i % 64)).toString('hex'));
    for (const key of keys) {
      expect(hashPartitionKey(key), key).toBe(sdkMapper.hashPartitionKey(key));
      for (const count of [1, 2, 3, 4, 7, 32]) {
        expect(partitionIndexForKey(key, count), `${key}/${count}`).toBe(sdkMapper.mapPartitionKeyToId(key, count));
      }
    }
  });

  it('is stable and stays within range', () => {
    expect(partitionIndexForKey('user-1', 4)).toBe(partitionIndexForKey('user-1', 4));
    for (let i = 0; i < 200; i++) {
      const p = partitionIndexForKey(`key-${i}`, 5);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(5);
    }
  });

  it('rejects a bad partition count', () => {
    expect(() => partitionIndexForKey('x', 0)).toThrow(/partitionCount/);
  });
});
