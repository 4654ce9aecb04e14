// Protocol details the SDK does not exercise directly, checked with a bare rhea client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rhea from 'rhea';
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import { EventHubsEmulator } from '../../../../tools/emulators/eventhubs';
import { startTestEmulator } from './helpers';

let emulator: EventHubsEmulator;
let connection: rhea.Connection;
const container = rhea.create_container();

beforeAll(async () => {
  ({ emulator } = await startTestEmulator([{ name: 'raw', partitionCount: 2 }], { maxMessageBytes: 64 * 1024 }));
  connection = container.connect({ host: '127.0.0.1', port: emulator.port, reconnect: false });
  await new Promise((resolve) => connection.once('connection_open', resolve));
});

afterAll(async () => {
  if (connection?.is_open()) {
    connection.close();
    await new Promise((resolve) => connection.once('connection_close', resolve));
  }
  await emulator?.stop();
});

/** One request over a request/response node; resolves with the reply. */
function request(node: string, msg: rhea.Message): Promise<rhea.Message> {
  const replyTo = `reply-${Math.random()}`;
  const receiver = connection.open_receiver({ source: { address: node }, name: replyTo, target: { address: replyTo } });
  const sender = connection.open_sender({ target: { address: node } });
  return new Promise((resolve) => {
    receiver.once('message', (ctx: rhea.EventContext) => {
      resolve(ctx.message!);
      sender.close();
      receiver.close();
    });
    sender.once('sendable', () => sender.send({ ...msg, reply_to: replyTo }));
  });
}

describe('AMQP protocol details', () => {
  it('$cbs put-token answers 200 with the request id as correlation id; unknown entities 404', async () => {
    const ok = await request('$cbs', {
      message_id: 'req-1',
      body: 'SharedAccessSignature sr=x&sig=y',
      application_properties: { operation: 'put-token', name: `sb://127.0.0.1:${emulator.port}/raw/Partitions/1`, type: 'servicebus.windows.net:sastoken' },
    });
    expect(ok.correlation_id).toBe('req-1');
    expect(ok.application_properties).toMatchObject({ 'status-code': 200 });

    const missing = await request('$cbs', {
      message_id: 'req-2',
      body: 'token',
      application_properties: { operation: 'put-token', name: `sb://127.0.0.1:${emulator.port}/raw/ConsumerGroups/nope/Partitions/0`, type: 'jwt' },
    });
    expect(missing.correlation_id).toBe('req-2');
    expect(missing.application_properties).toMatchObject({ 'status-code': 404 });
    expect(String(missing.application_properties!['status-description'])).toMatch(/could not be found/);
  });

  it('$management answers partition properties with AMQP long and timestamp types, and refuses unknown operations', async () => {
    const reply = await request('$management', {
      message_id: 'm-1',
      body: Buffer.from('[]'),
      application_properties: { operation: 'READ', name: 'raw', type: 'com.microsoft:partition', partition: '1' },
    });
    expect(reply.application_properties).toMatchObject({ 'status-code': 200 });
    const body = reply.body as Record<string, unknown>;
    expect(body).toMatchObject({ name: 'raw', partition: '1', begin_sequence_number: 0, last_enqueued_sequence_number: -1, is_partition_empty: true });
    expect(body.last_enqueued_time_utc).toBeInstanceOf(Date);

    const bad = await request('$management', { message_id: 'm-2', body: null, application_properties: { operation: 'DELETE', name: 'raw' } });
    expect(bad.application_properties).toMatchObject({ 'status-code': 501, 'error-condition': 'amqp:not-implemented' });
  });

  it('rejects transfers larger than the advertised max message size, accepts smaller ones', async () => {
    const sender = connection.open_sender({ target: { address: 'raw/Partitions/0' } });
    await new Promise((resolve) => sender.once('sendable', resolve));
    expect(sender.max_message_size).toBe(64 * 1024);
    const outcome = (send: () => void) =>
      new Promise<string>((resolve) => {
        const onRejected = (ctx: rhea.EventContext) => done(`rejected ${(ctx.delivery!.remote_state as { error?: { condition?: string } }).error?.condition}`);
        const onAccepted = () => done('accepted');
        const done = (what: string) => {
          sender.removeListener('rejected', onRejected);
          sender.removeListener('accepted', onAccepted);
          resolve(what);
        };
        sender.on('rejected', onRejected);
        sender.on('accepted', onAccepted);
        send();
      });
    const batch = (size: number) =>
      rhea.message.encode({ body: rhea.message.data_sections([rhea.message.encode({ body: 'x'.repeat(size) })]) } as rhea.Message);
    expect(await outcome(() => sender.send(batch(70 * 1024), undefined, 0x80013700))).toBe('rejected amqp:link:message-size-exceeded');
    expect(await outcome(() => sender.send({ body: 'y'.repeat(70 * 1024) }))).toBe('rejected amqp:link:message-size-exceeded');
    expect(await outcome(() => sender.send(batch(1024), undefined, 0x80013700))).toBe('accepted');
    expect(await outcome(() => sender.send({ body: 'plain message' }))).toBe('accepted');
    sender.close();
  });

  it('rejects a malformed batch with an argument error', async () => {
    const sender = connection.open_sender({ target: { address: 'raw' } });
    await new Promise((resolve) => sender.once('sendable', resolve));
    const condition = await new Promise<string | undefined>((resolve) => {
      sender.once('rejected', (ctx: rhea.EventContext) => resolve((ctx.delivery!.remote_state as { error?: { condition?: string } }).error?.condition));
      sender.once('accepted', () => resolve('accepted'));
      sender.send(rhea.message.encode({ body: 'not data sections' }), undefined, 0x80013700);
    });
    expect(condition).toBe('com.microsoft:argument-error');
    sender.close();
  });

  it('answers a drain request on a caught-up partition', async () => {
    const receiver = connection.open_receiver({
      source: { address: 'raw/ConsumerGroups/$Default/Partitions/1', filter: { 'apache.org:selector-filter:string': rhea.types.wrap_described("amqp.annotation.x-opt-offset > '@latest'", 0x468c00000004) } },
      credit_window: 0,
    });
    await new Promise((resolve) => receiver.once('receiver_open', resolve));
    const drained = new Promise((resolve) => receiver.once('receiver_drained', resolve));
    receiver.add_credit(10);
    receiver.drain_credit();
    await drained;
    expect((receiver as unknown as { credit: number }).credit).toBe(0);
    receiver.close();
  });

  it('stopping the emulator ends SDK clients promptly instead of leaving them hanging', async () => {
    const { emulator: doomed } = await startTestEmulator([{ name: 'gone', partitionCount: 1 }]);
    const producer = new EventHubProducerClient(doomed.connectionString('gone'), { retryOptions: { maxRetries: 0, timeoutInMs: 2_000 } });
    const consumer = new EventHubConsumerClient('$Default', doomed.connectionString('gone'), { retryOptions: { maxRetries: 0, timeoutInMs: 2_000 } });
    await producer.sendBatch([{ body: 1 }]);
    let got = 0;
    const sub = consumer.subscribe({ processEvents: async (e) => void (got += e.length), processError: async () => undefined }, { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 0.2 });
    const deadline = Date.now() + 10_000;
    while (got === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(got).toBe(1);
    const started = Date.now();
    await doomed.stop();
    await expect(producer.sendBatch([{ body: 2 }])).rejects.toBeInstanceOf(Error);
    await sub.close();
    await Promise.all([producer.close(), consumer.close()]);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
