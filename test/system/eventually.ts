// Polls `read` until `ok` holds or `ms` pass, and returns the last value read: the caller's
// expect() on it then fails with what was actually there, not with a timeout.
export async function eventually<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, ms = 45_000, everyMs = 250): Promise<T> {
  const end = Date.now() + ms;
  let last = await read();
  while (!ok(last) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, everyMs));
    last = await read();
  }
  return last;
}
