import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventHubConsumerClient, ReceivedEventData, Subscription, SubscribeOptions, SubscriptionEventHandlers } from '@azure/event-hubs';
import { EventHubsEmulator, EventHubsEmulatorOptions, HubConfig, startEventHubsEmulator } from '../../../../tools/emulators/eventhubs';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export async function startTestEmulator(
  hubs: HubConfig[],
  extra: Partial<EventHubsEmulatorOptions> = {},
): Promise<{ emulator: EventHubsEmulator; dataDir: string; logs: string[] }> {
  const dataDir = extra.dataDir ?? tempDir('ehemu');
  const logs: string[] = [];
  const emulator = await startEventHubsEmulator({ dataDir, hubs, port: 0, log: (l) => logs.push(l), ...extra });
  return { emulator, dataDir, logs };
}

/** Subscribes and resolves once `count` events arrived (or rejects on the first error / timeout). */
export async function receiveEvents(
  consumer: EventHubConsumerClient,
  count: number,
  options: SubscribeOptions & { partitionId?: string; timeoutMs?: number } = {},
): Promise<ReceivedEventData[]> {
  const received: ReceivedEventData[] = [];
  let subscription: Subscription | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out with ${received.length}/${count} events`)), options.timeoutMs ?? 20_000);
      const handlers: SubscriptionEventHandlers = {
        processEvents: async (events) => {
          received.push(...events);
          if (received.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
        processError: async (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const subscribeOptions = { maxWaitTimeInSeconds: 1, maxBatchSize: 500, ...options };
      subscription = options.partitionId !== undefined
        ? consumer.subscribe(options.partitionId, handlers, subscribeOptions)
        : consumer.subscribe(handlers, subscribeOptions);
    });
  } finally {
    await subscription?.close();
  }
  return received;
}
