import { describe, expect, it } from 'vitest';
import { triggerSwitches } from '../../../tools/local/localRuntime';
import type { FunctionRegistration } from '../../../tools/local/host/functionsCoreShim';

// Binding types as @azure/functions registers them (app.http / app.eventHub / app.timer).
const registration = (name: string, type: string): FunctionRegistration => ({
  name,
  bindings: { trigger: { type, direction: 'in', name: 'trigger' } },
  handler: () => undefined,
  trigger: { type, direction: 'in', name: 'trigger' },
});
const app = [
  registration('captureEvents', 'httpTrigger'),
  registration('aggregateEvents', 'eventHubTrigger'),
  registration('retrainModel', 'timerTrigger'),
  registration('someNewTimer', 'timerTrigger'),
];

describe('switching functions off by trigger kind', () => {
  it('sets AzureWebJobs.<fn>.Disabled for every registered function of the kinds, and no other', () => {
    expect(triggerSwitches(app, ['timer'], {})).toEqual({
      'AzureWebJobs.retrainModel.Disabled': 'true',
      'AzureWebJobs.someNewTimer.Disabled': 'true',
    });
    expect(Object.keys(triggerSwitches(app, ['timer', 'eventHub'], {})).sort()).toEqual([
      'AzureWebJobs.aggregateEvents.Disabled',
      'AzureWebJobs.retrainModel.Disabled',
      'AzureWebJobs.someNewTimer.Disabled',
    ]);
    expect(triggerSwitches(app, [], {})).toEqual({});
  });

  it("leaves a function's switch to the caller's overrides when they set it", () => {
    expect(triggerSwitches(app, ['timer'], { 'AzureWebJobs.retrainModel.Disabled': 'false' })).toEqual({
      'AzureWebJobs.someNewTimer.Disabled': 'true',
    });
  });
});
