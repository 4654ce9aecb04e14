// Progress of a long-running command's steps. On a terminal, one bar per step redrawn in place
// (log lines written through the renderer go above it); in a log (not a TTY), a plain line per 10%
// of a step with a known total, and per `plainCountEvery` items of a step without one.

export interface ProgressUpdate {
  step: string;
  done: number;
  /** Unknown for a step that counts what it finds (reading an archive). */
  total?: number;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

export interface ProgressRenderer {
  update(p: ProgressUpdate): void;
  /**
   * Writes a whole line to `to` (default: the progress stream). On a terminal the open bar is
   * cleared first and drawn again under the line, so the two never share a line.
   */
  log(line: string, to?: ProgressStream): void;
  /** Ends the current bar's line. */
  end(): void;
}

export interface ProgressOptions {
  /** Plain-log line interval of a step without a total (default 100,000). */
  plainCountEvery?: number;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function createProgressRenderer(stream: ProgressStream, now: () => number = Date.now, options: ProgressOptions = {}): ProgressRenderer {
  const tty = stream.isTTY === true;
  const plainEvery = options.plainCountEvery ?? 100_000;
  let step: string | undefined;
  let lastDraw = 0;
  let lastMark = -1;
  let drawn: string | undefined;

  const bar = (p: ProgressUpdate): string => {
    const label = p.step.padEnd(16);
    if (p.total === undefined || p.total <= 0) return `  ${label} ${int(p.done)} …`;
    const share = Math.min(1, p.done / p.total);
    const filled = Math.round(share * BAR_WIDTH);
    return `  ${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${int(p.done)}/${int(p.total)}`;
  };

  const draw = (line: string) => {
    const max = (stream.columns ?? 100) - 1;
    stream.write(`\r\x1b[K${line.length > max ? line.slice(0, max) : line}`);
    drawn = line;
  };

  const end = () => {
    if (tty && drawn !== undefined) stream.write('\n');
    drawn = undefined;
  };

  return {
    update(p) {
      if (p.step !== step) {
        end();
        step = p.step;
        lastDraw = 0;
        lastMark = -1;
      }
      const complete = p.total !== undefined && p.done >= p.total;
      if (tty) {
        const t = now();
        if (!complete && t - lastDraw < REDRAW_MS) return;
        lastDraw = t;
        draw(bar(p));
        if (complete) end();
        return;
      }
      if (p.total === undefined || p.total <= 0) {
        const mark = Math.floor(p.done / plainEvery);
        if (mark > lastMark && mark > 0) stream.write(`${p.step}: ${int(p.done)}\n`);
        lastMark = Math.max(lastMark, mark);
        return;
      }
      const decile = Math.floor(Math.min(1, p.done / p.total) * 10);
      if (decile > lastMark) {
        lastMark = decile;
        stream.write(`${p.step}: ${decile * 10}% (${int(p.done)}/${int(p.total)})\n`);
      }
    },
    log(line, to = stream) {
      const open = tty ? drawn : undefined;
      if (open !== undefined) stream.write('\r\x1b[K');
      to.write(`${line}\n`);
      if (open !== undefined) draw(open);
    },
    end,
  };
}

/**
 * Samples `read` every `everyMs` into the renderer, for work that keeps a counter rather than
 * reporting; the returned stop() draws the last sample.
 */
export function pollProgress(renderer: ProgressRenderer, read: () => ProgressUpdate, everyMs = 250): () => void {
  const timer = setInterval(() => renderer.update(read()), everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    renderer.update(read());
  };
}
