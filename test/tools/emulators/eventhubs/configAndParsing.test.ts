import { describe, expect, it } from 'vitest';
import { parseEntityAddress } from '../../../../tools/emulators/eventhubs/amqp/entityAddress';
import { parseSelector, selectorFromFilterSet } from '../../../../tools/emulators/eventhubs/amqp/eventPositionFilter';
import { ConsumerOwnership, OwnedReceiver } from '../../../../tools/emulators/eventhubs/amqp/consumerOwnership';
import { parseEmulatorOptions as parseCliArgs } from '../../../../tools/emulators/eventhubs/emulatorOptions';
import { startEventHubsEmulator } from '../../../../tools/emulators/eventhubs';
import { tempDir } from './helpers';

describe('entity addresses', () => {
  it('parses link addresses and token audiences', () => {
    expect(parseEntityAddress('$cbs')).toEqual({ kind: 'cbs' });
    expect(parseEntityAddress('$management')).toEqual({ kind: 'management' });
    expect(parseEntityAddress('sb://127.0.0.1:5672/hub/$management')).toEqual({ kind: 'management', hubName: 'hub' });
    expect(parseEntityAddress('hub')).toEqual({ kind: 'hub', hubName: 'hub' });
    expect(parseEntityAddress('sb://host/hub/')).toEqual({ kind: 'hub', hubName: 'hub' });
    expect(parseEntityAddress('hub/Partitions/3')).toEqual({ kind: 'partition', hubName: 'hub', partitionId: '3' });
    expect(parseEntityAddress('amqps://h/hub/ConsumerGroups/$Default/Partitions/0')).toEqual({
      kind: 'consumer', hubName: 'hub', consumerGroup: '$Default', partitionId: '0',
    });
    expect(parseEntityAddress('hub/Other/1')).toBeUndefined();
    expect(parseEntityAddress('hub//Partitions')).toBeUndefined();
  });
});

describe('selector filters', () => {
  it('parses every form the SDK generates', () => {
    expect(parseSelector("amqp.annotation.x-opt-offset > '-1'")).toEqual({ kind: 'offset', value: '-1', inclusive: false });
    expect(parseSelector("amqp.annotation.x-opt-offset > '@latest'")).toEqual({ kind: 'offset', value: '@latest', inclusive: false });
    expect(parseSelector("amqp.annotation.x-opt-offset >= '1234'")).toEqual({ kind: 'offset', value: '1234', inclusive: true });
    expect(parseSelector("amqp.annotation.x-opt-sequence-number > '41'")).toEqual({ kind: 'sequenceNumber', value: 41, inclusive: false });
    expect(parseSelector("amqp.annotation.x-opt-enqueued-time > '1700000000000'")).toEqual({ kind: 'enqueuedTime', value: 1700000000000 });
  });

  it('explains what is wrong with a bad filter', () => {
    expect(parseSelector("amqp.annotation.x-opt-offset > 'abc'")).toEqual({ error: expect.stringMatching(/offset/) });
    expect(parseSelector("amqp.annotation.x-opt-sequence-number > '1.5'")).toEqual({ error: expect.stringMatching(/sequence number/) });
    expect(parseSelector('SELECT *')).toEqual({ error: expect.stringMatching(/unsupported/) });
  });

  it('finds the selector however the filter set was represented', () => {
    expect(selectorFromFilterSet({ 'apache.org:selector-filter:string': 'x' })).toBe('x');
    expect(selectorFromFilterSet({ 'apache.org:selector-filter:string': { descriptor: 1, value: 'y' } })).toBe('y');
    expect(selectorFromFilterSet(undefined)).toBeUndefined();
  });
});

describe('owner level rules', () => {
  const receiver = (name: string, epoch?: number) => {
    const r: OwnedReceiver & { lost?: string } = {
      name,
      epoch,
      disconnect: (e) => {
        r.lost = e.condition;
      },
    };
    return r;
  };

  it('higher or equal owner level takes over, lower is refused, plain receivers are limited', () => {
    const rules = new ConsumerOwnership();
    const plain = [1, 2, 3, 4, 5].map((i) => receiver(`p${i}`));
    for (const p of plain) expect(rules.admit('k', p)).toBeUndefined();
    expect(rules.admit('k', receiver('p6'))?.condition).toBe('amqp:resource-limit-exceeded');
    const e1 = receiver('e1', 1);
    expect(rules.admit('k', e1)).toBeUndefined();
    expect(plain.every((p) => p.lost === 'amqp:link:stolen')).toBe(true);
    expect(rules.admit('k', receiver('plain-again'))?.condition).toBe('amqp:link:stolen');
    expect(rules.admit('k', receiver('e0', 0))?.condition).toBe('amqp:link:stolen');
    const e1b = receiver('e1b', 1);
    expect(rules.admit('k', e1b)).toBeUndefined();
    expect(e1.lost).toBe('amqp:link:stolen');
    expect(rules.admit('other', receiver('elsewhere', 0))).toBeUndefined();
    rules.release('k', e1b);
    expect(rules.admit('k', receiver('after-release'))).toBeUndefined();
  });
});

describe('configuration errors name the field', () => {
  it('CLI arguments', () => {
    expect(parseCliArgs(['--data-dir', '/d', '--port', '0', '--hub', 'events:4:archive,agg', '--hub', 'x:1'])).toMatchObject({
      dataDir: '/d',
      port: 0,
      hubs: [{ name: 'events', partitionCount: 4, consumerGroups: ['archive', 'agg'] }, { name: 'x', partitionCount: 1 }],
    });
    expect(() => parseCliArgs(['--hub', 'a:1'])).toThrow(/--data-dir/);
    expect(() => parseCliArgs(['--data-dir', 'd', '--hub', 'a'])).toThrow(/--hub/);
    expect(() => parseCliArgs(['--data-dir', 'd', '--hub', 'a:1', '--port', 'x'])).toThrow(/--port/);
    expect(() => parseCliArgs(['--data-dir', 'd', '--bogus'])).toThrow(/--bogus/);
  });

  it('emulator options', async () => {
    const dataDir = tempDir('ehemu-cfg');
    await expect(startEventHubsEmulator({ dataDir, hubs: [{ name: 'a', partitionCount: 0 }], port: 0 })).rejects.toThrow(/hubs\[0\]\.partitionCount/);
    await expect(startEventHubsEmulator({ dataDir, hubs: [{ name: 'bad name!', partitionCount: 1 }], port: 0 })).rejects.toThrow(/hubs\[0\]\.name/);
    await expect(
      startEventHubsEmulator({ dataDir, hubs: [{ name: 'a', partitionCount: 1 }, { name: 'A', partitionCount: 1 }], port: 0 }),
    ).rejects.toThrow(/hubs\[1\]\.name/);
    await expect(
      startEventHubsEmulator({ dataDir, hubs: [{ name: 'a', partitionCount: 1, consumerGroups: [''] }], port: 0 }),
    ).rejects.toThrow(/hubs\[0\]\.consumerGroups\[0\]/);
    await expect(startEventHubsEmulator({ dataDir, hubs: [], port: 0 })).rejects.toThrow(/hubs/);
    await expect(startEventHubsEmulator({ dataDir, hubs: [{ name: 'a', partitionCount: 1 }], port: 70000 })).rejects.toThrow(/port/);
  });

  it('a port or data dir in use is reported, and nothing is left open', async () => {
    const dataDir = tempDir('ehemu-port');
    const first = await startEventHubsEmulator({ dataDir, hubs: [{ name: 'a', partitionCount: 1 }], port: 0 });
    try {
      await expect(startEventHubsEmulator({ dataDir, hubs: [{ name: 'a', partitionCount: 1 }], port: 0 })).rejects.toThrow(/already used/);
      await expect(
        startEventHubsEmulator({ dataDir: tempDir('ehemu-port'), hubs: [{ name: 'a', partitionCount: 1 }], port: first.port }),
      ).rejects.toThrow(/EADDRINUSE/);
      expect(first.connectionString('a')).toBe(
        `Endpoint=sb://127.0.0.1:${first.port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=a`,
      );
    } finally {
      await first.stop();
    }
    const again = await startEventHubsEmulator({ dataDir, hubs: [{ name: 'a', partitionCount: 1 }], port: 0 });
    await again.stop();
  });
});
