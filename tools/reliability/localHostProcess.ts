// The local runtime (`node dist/tools/local/cli.js`) as a separate OS process that a driver can
// SIGKILL and start again on the same data folder and ports, plus /proc helpers to find its
// child services (Azurite, the Cosmos DB and Event Hubs emulators) and their memory.
// Linux only (/proc).
import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { blobConnectionString, DEV_ACCOUNT_NAME } from '../local/services/azurite';
import { COSMOS_EMULATOR_KEY } from '../local/localServices';

export interface HostPorts {
  http: number;
  blob: number;
  cosmos: number;
  eventHubs: number;
}

export type ServiceKind = 'blob' | 'cosmos' | 'eventHubs';

export interface ServiceProcess {
  kind: ServiceKind;
  pid: number;
  /** argv of the process as /proc shows it (to start an identical one). */
  argv: string[];
}

export const distRoot = path.resolve(__dirname, '..', '..');
export const cliScript = path.join(distRoot, 'tools', 'local', 'cli.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1 (asked from the OS; fine for a driver that binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export async function freePorts(): Promise<HostPorts> {
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(await freePort());
  const [http, blob, cosmos, eventHubs] = [...ports];
  return { http, blob, cosmos, eventHubs };
}

export function connectionStrings(ports: HostPorts): { blob: string; cosmos: string; eventHubs: string } {
  return {
    blob: blobConnectionString(`http://127.0.0.1:${ports.blob}/${DEV_ACCOUNT_NAME}`),
    cosmos: `AccountEndpoint=http://127.0.0.1:${ports.cosmos}/;AccountKey=${COSMOS_EMULATOR_KEY};`,
    eventHubs: `Endpoint=sb://127.0.0.1:${ports.eventHubs};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`,
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Children of `pid` (from /proc/<n>/stat), excluding zombies. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(Number(entry), 'stat');
    if (!stat) continue;
    // pid (comm) state ppid …; comm may hold spaces and parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] !== 'Z' && Number(rest[1]) === pid) out.push(Number(entry));
  }
  return out;
}

export function processArgv(pid: number): string[] | undefined {
  const raw = readProc(pid, 'cmdline');
  if (!raw) return undefined;
  return raw.split('\0').filter((s, i, all) => !(s === '' && i === all.length - 1));
}

/** The service a process runs, from its command line. */
export function serviceKindOf(argv: string[]): ServiceKind | undefined {
  const line = argv.join(' ');
  if (/azurite/.test(line)) return 'blob';
  if (/cosmos[\\/]main\.js/.test(line)) return 'cosmos';
  if (/eventhubs[\\/]main\.js/.test(line)) return 'eventHubs';
  return undefined;
}

export function serviceProcesses(hostPid: number): ServiceProcess[] {
  const out: ServiceProcess[] = [];
  for (const pid of childPids(hostPid)) {
    const argv = processArgv(pid);
    const kind = argv && serviceKindOf(argv);
    if (argv && kind) out.push({ kind, pid, argv });
  }
  return out;
}

/** Resident memory of a process in bytes: current (VmRSS) and peak (VmHWM). */
export function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  const status = readProc(pid, 'status');
  if (!status) return undefined;
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface HostProcessOptions {
  dataDir: string;
  ports: HostPorts;
  /** Host and child output is appended here. */
  logFile: string;
  /** Extra environment (e.g. AzureWebJobs.<fn>.Disabled). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/**
 * One run of the local host. `start()` resolves once it printed its Ready line; the services it
 * started are then known by pid. Killing it is the caller's business (`kill`, `killGroup`).
 */
export class HostProcess {
  child?: ChildProcess;
  services: ServiceProcess[] = [];
  private log: fs.WriteStream;
  private exitedPromise?: Promise<void>;

  constructor(private readonly opts: HostProcessOptions) {
    this.log = fs.createWriteStream(opts.logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const p = this.opts.ports;
    const args = [
      cliScript,
      '--data-dir', this.opts.dataDir,
      '--port', String(p.http),
      '--blob-port', String(p.blob),
      '--cosmos-port', String(p.cosmos),
      '--eventhubs-port', String(p.eventHubs),
    ];
    // Its own process group, so a whole-group SIGKILL reaches the host and every service at once.
    const child = spawn(process.execPath, args, {
      cwd: distRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.opts.env },
    });
    this.child = child;
    this.exitedPromise = new Promise((resolve) => child.once('exit', () => resolve()));
    this.log.write(`\n===== host started pid ${child.pid} at ${new Date().toISOString()} =====\n`);
    const ready = new Promise<void>((resolve, reject) => {
      let pending = '';
      const timer = setTimeout(() => reject(new Error(`host did not print Ready within ${this.opts.readyTimeoutMs ?? 90_000} ms (see ${this.opts.logFile})`)), this.opts.readyTimeoutMs ?? 90_000);
      const onData = (chunk: Buffer) => {
        this.log.write(chunk);
        pending += chunk.toString();
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (/\bReady: http/.test(line)) {
            clearTimeout(timer);
            resolve();
          }
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`host exited (code ${code}, signal ${signal}) before it was ready (see ${this.opts.logFile})`));
      });
    });
    await ready;
    this.services = serviceProcesses(child.pid!);
  }

  /** SIGKILL to the host process only: its services notice and stop themselves (parent watch). */
  async kill(): Promise<void> {
    if (!this.child?.pid) return;
    try {
      process.kill(this.child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await this.exitedPromise;
  }

  /** SIGKILL to the host and every service at once (a machine or container dying). */
  async killGroup(): Promise<void> {
    if (!this.child?.pid) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await this.exitedPromise;
  }

  /** Ctrl-C: the host stops its triggers, HTTP server and services cleanly. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (!this.running) return;
    process.kill(this.child!.pid!, 'SIGTERM');
    const timer = setTimeout(() => void this.killGroup(), timeoutMs);
    await this.exitedPromise;
    clearTimeout(timer);
    await this.waitServicesGone();
  }

  /** Waits until the services of this run have exited and their ports are free again. */
  async waitServicesGone(timeoutMs = 30_000): Promise<void> {
    await waitFor('the services of the killed host to exit', () => this.services.every((s) => !isAlive(s.pid)), timeoutMs);
    const p = this.opts.ports;
    for (const port of [p.http, p.blob, p.cosmos, p.eventHubs]) {
      await waitFor(`port ${port} to be free`, () => portIsFree(port), timeoutMs, 200);
    }
  }

  /** Memory of the host and each service now (bytes). */
  memory(): { host?: { rss: number; peak: number }; services: Partial<Record<ServiceKind, { rss: number; peak: number }>> } {
    const services: Partial<Record<ServiceKind, { rss: number; peak: number }>> = {};
    for (const s of this.services) {
      const m = memoryOf(s.pid);
      if (m) services[s.kind] = m;
    }
    return { host: this.pid ? memoryOf(this.pid) : undefined, services };
  }

  close(): void {
    this.log.end();
  }
}

/**
 * A service process started by the driver with the argv a host's service had (same data folder,
 * same port), e.g. to bring a stopped Cosmos DB emulator back. It waits for the port to answer.
 */
export async function respawnService(service: ServiceProcess, port: number, logFile: string): Promise<ChildProcess> {
  const [exe, ...args] = service.argv;
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  log.write(`\n===== ${service.kind} respawned by the driver at ${new Date().toISOString()} =====\n`);
  const child = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('exit', () => log.end());
  await waitFor(`${service.kind} to listen on ${port} again`, async () => !(await portIsFree(port)), 60_000, 200);
  return child;
}

export async function stopChild(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Keys from the data folder (made by the first run): function/master keys and the Personalizer API key. */
export function readHostSecrets(dataDir: string): { functionKey: string; masterKey: string; personalizerApiKey: string } {
  const keys = JSON.parse(fs.readFileSync(path.join(dataDir, 'host-keys.json'), 'utf8')) as { functionKey: string; masterKey: string };
  const app = JSON.parse(fs.readFileSync(path.join(dataDir, 'app-secrets.json'), 'utf8')) as { personalizerApiKey: string };
  return { functionKey: keys.functionKey, masterKey: keys.masterKey, personalizerApiKey: app.personalizerApiKey };
}
