// The progress display: plain lines in a log, a bar redrawn in place on a terminal, log lines
// written above an open bar, and sampling of a counter.
import { describe, expect, it, vi } from 'vitest';
import { createProgressRenderer, pollProgress } from '../../../tools/cli/progress';

function sink(isTTY: boolean) {
  let text = '';
  return { isTTY, columns: 80, write: (s: string) => (text += s), get text() { return text; } };
}

describe('progress renderer', () => {
  it('writes a plain line per 10% of a step with a total, and per N items of one without', () => {
    const log = sink(false);
    const p = createProgressRenderer(log, Date.now, { plainCountEvery: 1000 });
    for (let i = 1; i <= 20; i++) p.update({ step: 'send', done: i * 5, total: 100 });
    for (let i = 1; i <= 25; i++) p.update({ step: 'read', done: i * 100 });
    expect(log.text.split('\n').filter(Boolean)).toEqual([
      'send: 0% (5/100)',
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((d) => `send: ${d * 10}% (${d * 10}/100)`),
      'read: 1,000',
      'read: 2,000',
    ]);
  });

  it('on a terminal, clears the open bar for a log line and draws it again below', () => {
    const tty = sink(true);
    const out = sink(true);
    let t = 0;
    const p = createProgressRenderer(tty, () => (t += 1000));
    p.update({ step: 'send', done: 1, total: 4 });
    p.log('[chaos] kill 1/3', out);
    expect(out.text).toBe('[chaos] kill 1/3\n');
    const bar = '  send             [######..................]  25%  1/4';
    expect(tty.text).toBe(`\r\x1b[K${bar}\r\x1b[K\r\x1b[K${bar}`);
    p.update({ step: 'send', done: 4, total: 4 });
    expect(tty.text.endsWith('100%  4/4\n')).toBe(true);
    // No bar open: a log line is just written.
    const before = tty.text;
    p.log('done');
    expect(tty.text).toBe(`${before}done\n`);
  });

  it('writes log lines as they are when not on a terminal', () => {
    const log = sink(false);
    const p = createProgressRenderer(log);
    p.update({ step: 'send', done: 1, total: 2 });
    p.log('hello');
    expect(log.text).toBe('send: 50% (1/2)\nhello\n');
  });

  it('samples a counter until stopped, then draws the last value', () => {
    vi.useFakeTimers();
    try {
      const log = sink(false);
      const p = createProgressRenderer(log);
      let done = 0;
      const stop = pollProgress(p, () => ({ step: 'send', done, total: 10 }), 100);
      done = 3;
      vi.advanceTimersByTime(100);
      done = 7;
      stop();
      done = 10;
      vi.advanceTimersByTime(500);
      expect(log.text).toBe('send: 30% (3/10)\nsend: 70% (7/10)\n');
    } finally {
      vi.useRealTimers();
    }
  });
});
