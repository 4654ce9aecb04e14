// One emulator per data directory: two writers appending to the same journal would interleave
// records. The lock file holds the owner's pid; one left behind by a dead process is taken over.
import fs from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'cosmos-emulator.lock';
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims `dir`; returns the release function. Throws when another live emulator holds it. */
export function lockDataDir(dir: string): () => void {
  const resolved = path.resolve(dir);
  if (heldHere.has(resolved)) throw new Error(`Cosmos DB emulator: ${resolved} is already used by an emulator in this process`);
  fs.mkdirSync(resolved, { recursive: true });
  const file = path.join(resolved, LOCK_FILE);
  let owner: number | undefined;
  try {
    owner = Number(fs.readFileSync(file, 'utf8').trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (owner !== undefined && Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
    throw new Error(`Cosmos DB emulator: ${resolved} is in use by another emulator (pid ${owner})`);
  }
  fs.writeFileSync(file, String(process.pid));
  heldHere.add(resolved);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    heldHere.delete(resolved);
    fs.rmSync(file, { force: true });
  };
}
