import { describe, expect, it } from 'vitest';
import { Poller } from '../../src/common/poller';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Poller', () => {
  it('shares a running check with every caller who asks meanwhile, and runs the next one afresh', async () => {
    let runs = 0;
    let release!: () => void;
    const poller = new Poller(async () => {
      runs++;
      await new Promise<void>((r) => (release = r));
      return runs;
    }, 60_000);
    const a = poller.check();
    const b = poller.check();
    expect(a).toBe(b);
    release();
    expect(await a).toBe(1);
    const c = poller.check();
    release();
    expect(await c).toBe(2);
  });

  it('checks at start, then every interval until stopped; stop waits for the running check', async () => {
    let runs = 0;
    let settled = 0;
    const poller = new Poller(async () => {
      runs++;
      await sleep(15);
      settled++;
    }, 30);
    await poller.start();
    expect(runs).toBe(1);
    await sleep(100);
    expect(runs).toBeGreaterThanOrEqual(2);
    while (settled === runs) await sleep(2); // stop while a check runs
    await poller.stop();
    expect(settled).toBe(runs);
    const stoppedAt = runs;
    await sleep(100);
    expect(runs).toBe(stoppedAt);
  });

  it('hands a failed check to its caller; one the interval ran is dropped and polling goes on', async () => {
    let runs = 0;
    const poller = new Poller(async () => {
      runs++;
      if (runs > 1) throw new Error(`check ${runs} failed`);
    }, 20);
    await poller.start();
    await expect(poller.check()).rejects.toThrow('check 2 failed');
    // Vitest fails the run on an unhandled rejection: the interval's failures must not be one.
    await sleep(100);
    expect(runs).toBeGreaterThan(3);
    await poller.stop();
  });
});
