// One emulator per data directory, for every emulator here: two writers appending to the same
// journal or partition log would interleave their records. The lock file holds the owner's pid;
// one left behind by a process that died (pid no longer alive) is taken over.
import fs from 'node:fs';
import path from 'node:path';

const heldInThisProcess = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `dataDir` (created if missing) under `lockFile`; `emulator` names the emulator in the
 * errors. Returns the release function (idempotent). Throws when another live emulator holds it.
 */
export function lockDataDir(dataDir: string, lockFile: string, emulator: string): () => void {
  const dir = path.resolve(dataDir);
  if (heldInThisProcess.has(dir)) throw new Error(`${emulator}: ${dir} is already used by an emulator in this process`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, lockFile);
  let owner: number | undefined;
  try {
    owner = Number(fs.readFileSync(file, 'utf8').trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (owner !== undefined && Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) {
    throw new Error(`${emulator}: ${dir} is in use by another emulator (pid ${owner})`);
  }
  fs.writeFileSync(file, String(process.pid));
  heldInThisProcess.add(dir);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    heldInThisProcess.delete(dir);
    fs.rmSync(file, { force: true });
  };
}
