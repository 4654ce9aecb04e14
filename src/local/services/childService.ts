import { spawn, ChildProcess } from 'node:child_process';

export interface ChildService {
  process: ChildProcess;
  /** Resolves once the child has exited. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
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
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
