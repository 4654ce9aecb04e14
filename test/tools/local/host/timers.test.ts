import { describe, it, expect } from 'vitest';
import { parseSchedule, nextOccurrence } from '../../../../tools/local/host/ncrontab';

const next = (expr: string, after: string) => nextOccurrence(parseSchedule(expr), new Date(after)).toISOString();

describe('NCRONTAB schedules', () => {
  it('computes the next run for common expressions', () => {
    expect(next('0 */5 * * * *', '2026-11-23T10:02:30Z')).toBe('2026-11-23T10:05:00.000Z');
    expect(next('0 0 3 * * *', '2026-11-23T03:00:00Z')).toBe('2026-11-24T03:00:00.000Z');
    expect(next('30 15 9 * * MON-FRI', '2026-11-21T12:00:00Z')).toBe('2026-11-23T09:15:30.000Z'); // Sat → Mon
    expect(next('0 0 0 1 JAN *', '2026-11-23T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('*/10 * * * *', '2026-11-23T10:02:30Z')).toBe('2026-11-23T10:10:00.000Z'); // five fields: no seconds
  });

  it('matches day or weekday when both are restricted, like cron', () => {
    expect(next('0 0 12 1 * SUN', '2026-11-23T13:00:00Z')).toBe('2026-11-29T12:00:00.000Z');
  });

  it('refuses malformed expressions with the field named', () => {
    expect(() => parseSchedule('0 0 25 * * *')).toThrow(/hour value "25"/);
    expect(() => parseSchedule('* * *')).toThrow(/6 fields/);
    expect(() => parseSchedule('0 */0 * * * *')).toThrow(/bad step/);
  });
});

describe('timer trigger host', () => {
  it('invokes registered timer functions on schedule and on startup, with the host timer object', async () => {
    const { installFunctionsCoreShim } = await import('../../../../tools/local/host/functionsCoreShim');
    const { startTimerTriggers } = await import('../../../../tools/local/host/timerTriggerHost');
    const { silentLogger } = await import('../../../../tools/local/host/hostLogger');
    const registrations = installFunctionsCoreShim(() => {});
    const { app } = await import('@azure/functions');
    const calls: { isPastDue: boolean; next?: string; fn: string }[] = [];
    app.timer('everySecond', { schedule: '%TickSchedule%', handler: (t, ctx) => { calls.push({ isPastDue: t.isPastDue, next: t.scheduleStatus?.next, fn: ctx.functionName }); } });
    app.timer('atStart', { schedule: '0 0 0 1 1 *', runOnStartup: true, handler: (_t, ctx) => { calls.push({ isPastDue: false, fn: ctx.functionName }); } });
    const host = startTimerTriggers(registrations, { TickSchedule: '* * * * * *' }, silentLogger);
    await new Promise((r) => setTimeout(r, 2600));
    await host.close();
    expect(calls.filter((c) => c.fn === 'everySecond').length).toBeGreaterThanOrEqual(2);
    expect(calls.filter((c) => c.fn === 'atStart')).toHaveLength(1);
    expect(calls.find((c) => c.fn === 'everySecond')?.next).toMatch(/^\d{4}-/);
    const after = calls.length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(calls.length).toBe(after);
  });
});
