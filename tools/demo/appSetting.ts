// Changes an app setting of the running embedded system, as changing an app setting in Azure does:
// the app restarts (its appTerminate hooks close the services) and the next invocation builds
// them from the new settings; the model registry, the aggregates and the archive are untouched.
import type { LocalRuntime } from '../local/localRuntime';

export async function changeRankingSetting(runtime: LocalRuntime, name: string, value: string): Promise<void> {
  runtime.env[name] = value;
  process.env[name] = value;
  await runtime.restartApp?.();
}
