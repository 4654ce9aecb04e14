// A check the process repeats in the background (a model watcher's look at the registry's pointer,
// the priors' refresh): run once at start, then every interval, never two at once.

export class Poller<T> {
  private running: Promise<T> | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** `once` must settle; its rejections reach the caller of check() (the interval's own are dropped). */
  constructor(private readonly once: () => Promise<T>, private readonly intervalMs: number) {}

  /** The first check, then one every interval (the timer does not keep the process alive). */
  async start(): Promise<T> {
    const first = await this.check();
    if (!this.timer) {
      this.timer = setInterval(() => void this.check().catch(() => undefined), this.intervalMs);
      this.timer.unref?.();
    }
    return first;
  }

  /** One check now; a caller who asks while one runs shares it. */
  check(): Promise<T> {
    this.running ??= this.once().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** No further checks (at once); resolves when a running one has settled. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
