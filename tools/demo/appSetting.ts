// Changes an app setting of the running embedded system, as changing an app setting in Azure does:
// the app picks it up on restart. The ranking services are rebuilt from the settings on their next
// use (resetRankingServices), so the next rank call runs with the new value; the model registry,
// the aggregates and the archive are untouched.
import type { LocalRuntime } from '../local/localRuntime';
import { resetRankingServices } from '../../src/ranking/rankingServices';

export async function changeRankingSetting(runtime: LocalRuntime, name: string, value: string): Promise<void> {
  runtime.env[name] = value;
  process.env[name] = value;
  await resetRankingServices();
}
