import fs from 'node:fs';
import path from 'node:path';

const heldInThisProcess = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `dataDir` for one emulator: two writers on the same partition logs would corrupt them.
 * A lock left by a killed process (pid no longer alive) is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, 'emulator.lock');
  if (heldInThisProcess.has(dir)) throw new Error(`dataDir ${dir} is already used by an emulator in this process`);
  try {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) {
      throw new Error(`dataDir ${dir} is in use by another emulator (pid ${pid})`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.writeFileSync(file, String(process.pid));
  heldInThisProcess.add(dir);
  return () => {
    heldInThisProcess.delete(dir);
    fs.rmSync(file, { force: true });
  };
}
