import { spawn, ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ChildService {
  process: ChildProcess;
  /** Resolves once the child has exited. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Preloaded into every child (`node --require <file> script …`): when the process that started
 * the child is gone (SIGKILL, crash: the child is re-parented, so `process.ppid` changes), the
 * child stops itself with SIGTERM, i.e. through its own clean shutdown, and exits for good 10 s
 * later if that hangs. Without it, a killed `npm start` leaves its emulators holding their ports
 * and data folders. Pipes to the dead parent are closed, so output errors (EPIPE) are ignored.
 * The timer is unref'd: it never keeps a child alive.
 */
const PARENT_WATCH_SOURCE = `'use strict';
(() => {
  const parent = Number(process.env.CHILD_SERVICE_PARENT_PID) || process.ppid;
  delete process.env.CHILD_SERVICE_PARENT_PID;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    setTimeout(() => process.exit(1), 10000).unref();
    process.kill(process.pid, 'SIGTERM');
  }, 250);
  timer.unref();
})();
`;

let parentWatchFile: string | undefined;

/** The watch script on disk (content-addressed in the temp folder, written once). */
export function parentWatchPreload(): string {
  if (parentWatchFile && fs.existsSync(parentWatchFile)) return parentWatchFile;
  const hash = crypto.createHash('sha256').update(PARENT_WATCH_SOURCE).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `child-service-parent-watch-${hash}.cjs`);
  if (!fs.existsSync(file)) {
    const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(temp, PARENT_WATCH_SOURCE);
    fs.renameSync(temp, file);
  }
  parentWatchFile = file;
  return file;
}

/**
 * Starts a Node script as a child process and waits until a line of its output matches
 * `ready`, returning the match. Output is forwarded to `log` line by line.
 */
export async function startChildService(
  name: string,
  script: string,
  args: string[],
  ready: RegExp,
  log: (line: string) => void,
  timeoutMs = 30_000,
): Promise<{ service: ChildService; match: RegExpMatchArray }> {
  // The child ends itself when this process dies without stopping it (see PARENT_WATCH_SOURCE).
  const child = spawn(process.execPath, ['--require', parentWatchPreload(), script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CHILD_SERVICE_PARENT_PID: String(process.pid) },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms`)), timeoutMs);
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trimEnd();
        pending = pending.slice(newline + 1);
        log(line);
        const m = line.match(ready);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready`));
    });
  });
  const service: ChildService = {
    process: child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return { service, match };
}
