// The local services started by the runtime end themselves when the process that started them
// dies without stopping them (SIGKILL): tools/local/services/childService.ts preloads a parent watch.
// Without it a killed `npm start` leaves its emulators holding their ports and data folders, and
// the chaos driver's restarts would fail. Also: the CLI flags the drivers start the host with.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { describe, it, expect } from 'vitest';
import { parseCliArgs } from '../../../tools/local/cli';
import { isAlive, childPids, freePort, portIsFree, waitFor } from '../../../tools/reliability/localHostProcess';

const distServices = path.resolve(__dirname, '..', '..', '..', 'dist', 'tools', 'local', 'localServices.js');

describe('child services follow their parent', () => {
  it('the Cosmos DB and Event Hubs emulators exit when their parent is SIGKILLed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'childwatch-'));
    const [cosmosPort, ehPort] = [await freePort(), await freePort()];
    // A parent process that starts two services and then just waits.
    const script = `
      const s = require(${JSON.stringify(distServices)});
      (async () => {
        await s.startCosmosService(${JSON.stringify(path.join(dir, 'cosmos'))}, ${cosmosPort}, () => {});
        await s.startEventHubsService(${JSON.stringify(path.join(dir, 'eh'))}, ${ehPort}, [{ name: 'events', partitions: 1, consumerGroups: [] }], () => {});
        console.log('ready');
        setInterval(() => {}, 1000);
      })();`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      parent.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      parent.once('exit', (code) => reject(new Error(`parent exited ${code}`)));
    });
    const children = childPids(parent.pid!);
    expect(children.length).toBe(2);
    expect(await portIsFree(cosmosPort)).toBe(false);
    parent.kill('SIGKILL');
    await waitFor('the services to exit', () => children.every((pid) => !isAlive(pid)), 15_000);
    expect(await portIsFree(cosmosPort)).toBe(true);
    expect(await portIsFree(ehPort)).toBe(true);
    // The data folders can be taken over by a new run (the emulator's lock was released or is stale).
    const again = net.createServer();
    await new Promise<void>((r) => again.listen(ehPort, '127.0.0.1', () => r()));
    again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});

describe('local CLI flags', () => {
  it('reads --data-dir and the four ports', () => {
    expect(parseCliArgs(['--data-dir', 'x', '--port', '7072', '--blob-port', '0', '--cosmos-port', '8082', '--eventhubs-port', '5673'])).toEqual({
      servicesOnly: false, dataDir: path.resolve('x'), ports: { http: 7072, blob: 0, cosmos: 8082, eventHubs: 5673 },
    });
    expect(parseCliArgs(['--services-only'])).toEqual({ servicesOnly: true, ports: {} });
  });

  it('refuses unknown flags, missing values and bad ports', () => {
    expect(() => parseCliArgs(['--prot', '1'])).toThrow(/unknown argument --prot/);
    expect(() => parseCliArgs(['--port'])).toThrow(/--port needs a value/);
    expect(() => parseCliArgs(['--port', '--data-dir'])).toThrow(/needs a value/);
    for (const bad of ['-1', '65536', 'abc', '1.5', '']) expect(() => parseCliArgs(['--port', bad]), bad).toThrow(/port number/);
  });
});
