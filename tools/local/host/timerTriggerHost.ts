import { FunctionRegistration } from './functionsCoreShim';
import { invokeFunction } from './invokeFunction';
import { resolveBindingExpression } from './hostConfig';
import { HostLogger } from './hostLogger';
import { parseSchedule, nextOccurrence } from './ncrontab';

export interface TimerTriggerHost {
  /** Next planned run per function. */
  next(): Record<string, Date>;
  close(): Promise<void>;
}

/**
 * Runs timer triggers on their NCRONTAB schedule (UTC), `runOnStartup` included, one
 * invocation at a time per function, with the timer object the host passes.
 */
export function startTimerTriggers(
  registrations: FunctionRegistration[],
  env: Record<string, string | undefined>,
  logger: HostLogger,
  now: () => Date = () => new Date(),
): TimerTriggerHost {
  const timers = new Map<string, NodeJS.Timeout>();
  const nextRuns: Record<string, Date> = {};
  const running = new Set<Promise<void>>();
  let closed = false;

  for (const registration of registrations.filter((r) => r.trigger.type.toLowerCase() === 'timertrigger')) {
    const schedule = parseSchedule(resolveBindingExpression(String(registration.trigger.schedule ?? ''), env));
    let last: Date | undefined;
    const invoke = async (isPastDue: boolean) => {
      const timer = {
        schedule: { adjustForDST: false },
        scheduleStatus: { last: (last ?? new Date(0)).toISOString(), next: nextRuns[registration.name]?.toISOString(), lastUpdated: now().toISOString() },
        isPastDue,
      };
      try {
        await invokeFunction(registration, 'timer', timer, logger);
      } catch (error) {
        logger.error(`Executed '${registration.name}' (Failed): ${(error as Error)?.message ?? error}`);
      }
      last = now();
    };
    const plan = () => {
      if (closed) return;
      const at = nextOccurrence(schedule, now());
      nextRuns[registration.name] = at;
      const delay = Math.max(0, at.getTime() - now().getTime());
      // setTimeout cannot wait longer than ~24.8 days; re-plan in steps.
      timers.set(registration.name, setTimeout(() => {
        if (now().getTime() + 1000 < at.getTime()) return plan();
        const run = invoke(false).finally(() => {
          running.delete(run);
          plan();
        });
        running.add(run);
      }, Math.min(delay, 2 ** 31 - 1)));
    };
    if (registration.trigger.runOnStartup === true) {
      const run = invoke(false).finally(() => running.delete(run));
      running.add(run);
    }
    plan();
    logger.info(`Timer trigger '${registration.name}': "${schedule.expression}" (UTC), next at ${nextRuns[registration.name].toISOString()}`);
  }

  return {
    next: () => ({ ...nextRuns }),
    async close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      await Promise.all(running);
    },
  };
}
