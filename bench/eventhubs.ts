// Event Hubs emulator throughput through the real SDK: `node dist/bench/run.js eventhubs [--events N] [--in-process]`.
// By default the emulator runs as a child process (as the local host runs it), so the SDK and the
// emulator use separate cores.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventData, EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import { startEventHubsEmulator } from '../tools/emulators/eventhubs';
import { command, flag, option, parseCommandLine, positiveInteger } from '../tools/cli/commandLine';

const HUB = 'bench';
const PARTITIONS = 4;

const EVENTHUBS_BENCH = command({
  usage: 'npm run bench -- eventhubs [--events N] [--in-process]',
  options: {
    events: option('events sent and received', positiveInteger, { default: 50_000 }),
    'in-process': flag('run the emulator in this process instead of a child process'),
  },
});

async function startEmulator(dataDir: string, inProcess: boolean): Promise<{ connectionString: string; stop(): Promise<void> }> {
  if (inProcess) {
    const emulator = await startEventHubsEmulator({ dataDir, port: 0, hubs: [{ name: HUB, partitionCount: PARTITIONS }] });
    return { connectionString: emulator.connectionString(HUB), stop: () => emulator.stop() };
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(__dirname, '../tools/emulators/eventhubs/main.js'), '--data-dir', dataDir, '--port', '0', '--hub', `${HUB}:${PARTITIONS}`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on [\d.]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return {
    connectionString: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;EntityPath=${HUB}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const body = { payload: 'x'.repeat(1000 - 14) }; // ~1 KB JSON body

/** Sends `total` events in batches of `batchSize`, `concurrency` batches in flight (one loop per partition). */
async function sendRate(producer: EventHubProducerClient, total: number, batchSize: number, concurrency: number): Promise<number> {
  const events: EventData[] = Array.from({ length: batchSize }, () => ({ body }));
  const batches = Math.ceil(total / batchSize);
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < batches) {
        next++;
        await producer.sendBatch(events, { partitionId: String(worker % PARTITIONS) });
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round((batches * batchSize) / seconds);
}

async function receiveRate(connectionString: string, expected: number): Promise<number> {
  const consumer = new EventHubConsumerClient('$Default', connectionString);
  let received = 0;
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const sub = consumer.subscribe(
      {
        processEvents: async (events) => {
          received += events.length;
          if (received >= expected) sub.close().then(resolve, reject);
        },
        processError: async (err) => reject(err),
      },
      { startPosition: earliestEventPosition, maxBatchSize: 1000, prefetchCount: 3000, maxWaitTimeInSeconds: 1 },
    );
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await consumer.close();
  return Math.round(received / seconds);
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseCommandLine(EVENTHUBS_BENCH, args);
  const total = values.events;
  const inProcess = values['in-process'];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ehemu-bench-'));
  const emulator = await startEmulator(dataDir, inProcess);
  const producer = new EventHubProducerClient(emulator.connectionString);
  try {
    await sendRate(producer, 2_000, 50, 1); // warm up links
    const batch50 = await sendRate(producer, total, 50, 1);
    const batch500 = await sendRate(producer, total, 500, 1);
    const batch500x4 = await sendRate(producer, total, 500, 4);
    const stored = 2_000 + 3 * total;
    const receive = await receiveRate(emulator.connectionString, stored);
    return {
      emulator: inProcess ? 'in-process' : 'child process',
      eventBytes: 1000,
      eventsPerRun: total,
      sendEventsPerSecBatch50: batch50,
      sendEventsPerSecBatch500: batch500,
      sendEventsPerSecBatch500Concurrent4: batch500x4,
      receiveEventsPerSecAllPartitions: receive,
      receivedEvents: stored,
    };
  } finally {
    await producer.close();
    await emulator.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
