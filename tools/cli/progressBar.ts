// Progress of the training steps on stderr. On a terminal, one bar per step redrawn in place; in
// a log (not a TTY), a plain line per 10% of a step with a known total, and per 100,000 items of
// a step without one (reading the archive).
import type { TrainingProgress } from '../../src/training/trainingRunOptions';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

export interface ProgressRenderer {
  update(p: TrainingProgress): void;
  /** Ends the current bar's line. */
  end(): void;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;
const PLAIN_COUNT_EVERY = 100_000;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function createProgressRenderer(stream: ProgressStream, now: () => number = Date.now): ProgressRenderer {
  const tty = stream.isTTY === true;
  let step: string | undefined;
  let lastDraw = 0;
  let lastMark = -1;
  let open = false;

  const bar = (p: TrainingProgress): string => {
    const label = p.step.padEnd(16);
    if (p.total === undefined || p.total <= 0) return `  ${label} ${int(p.done)} …`;
    const share = Math.min(1, p.done / p.total);
    const filled = Math.round(share * BAR_WIDTH);
    return `  ${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${int(p.done)}/${int(p.total)}`;
  };

  const end = () => {
    if (tty && open) stream.write('\n');
    open = false;
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
        const line = bar(p);
        const max = (stream.columns ?? 100) - 1;
        stream.write(`\r\x1b[K${line.length > max ? line.slice(0, max) : line}`);
        open = true;
        if (complete) end();
        return;
      }
      if (p.total === undefined || p.total <= 0) {
        const mark = Math.floor(p.done / PLAIN_COUNT_EVERY);
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
    end,
  };
}
