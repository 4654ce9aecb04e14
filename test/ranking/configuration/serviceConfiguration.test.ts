import { describe, it, expect } from 'vitest';
import { parsePolicyArguments, withEpsilon } from '../../../src/ranking/configuration/policyArguments';
import {
  applyPolicyUpdate,
  applyServiceUpdate,
  checkPolicyUpdate,
  checkServiceUpdate,
  defaultConfiguration,
  effectiveConfiguration,
} from '../../../src/ranking/configuration/serviceConfiguration';

const defaults = defaultConfiguration({ exploration: 0.2, rewardWaitSeconds: 600, defaultReward: 0, rewardAggregation: 'earliest' });
const range = { min: 0, max: 1 };
const now = new Date('2026-12-01T00:00:00Z');
const valid = { rewardWaitTime: 'PT10M', defaultReward: 0, rewardAggregation: 'earliest', explorationPercentage: 0.2, modelExportFrequency: 'PT5M', logRetentionDays: 7 };

describe('service configuration updates', () => {
  it('takes the definitions\' example and stamps the edit time', () => {
    const checked = checkServiceUpdate({ ...valid, logMirrorEnabled: true, logMirrorSasUri: 'https://a.blob.core.windows.net/c?sig=x' }, defaults.service, range, now);
    expect(checked).toMatchObject({ ok: true, value: { ...valid, learningMode: 'Online', modelRetrainDays: 0, lastConfigurationEditDate: now.toISOString() } });
  });

  it.each([
    [{ ...valid, rewardWaitTime: 'PT2S' }, 'rewardWaitTime', 'InvalidRewardWaitTime'],
    [{ ...valid, rewardWaitTime: 'ten minutes' }, 'rewardWaitTime', 'InvalidRewardWaitTime'],
    [{ ...valid, rewardWaitTime: 'P3D', logRetentionDays: -1 }, 'rewardWaitTime', 'InvalidRewardWaitTime'],
    [{ ...valid, defaultReward: 2 }, 'defaultReward', 'InvalidServiceConfiguration'],
    [{ ...valid, defaultReward: -0.5 }, 'defaultReward', 'InvalidServiceConfiguration'],
    [{ ...valid, rewardAggregation: 'average' }, 'rewardAggregation', 'InvalidServiceConfiguration'],
    [{ ...valid, explorationPercentage: 1.5 }, 'explorationPercentage', 'InvalidServiceConfiguration'],
    [{ ...valid, modelExportFrequency: 'PT1S' }, 'modelExportFrequency', 'InvalidServiceConfiguration'],
    [{ ...valid, logRetentionDays: 0 }, 'logRetentionDays', 'InvalidLogRetentionDays'],
    [{ ...valid, logRetentionDays: 1.5 }, 'logRetentionDays', 'InvalidLogRetentionDays'],
    [{ ...valid, modelRetrainDays: 30 }, 'modelRetrainDays', 'InvalidModelRetrainDays'],
    [{ ...valid, learningMode: 'Offline' }, 'learningMode', 'InvalidServiceConfiguration'],
    [{ ...valid, learningMode: 'Apprentice', defaultReward: 0.5 }, 'defaultReward', 'InvalidLearningModeServiceConfiguration'],
    [{ ...valid, isAutoOptimizationEnabled: 'yes' }, 'isAutoOptimizationEnabled', 'InvalidServiceConfiguration'],
    [{ ...valid, autoOptimizationStartDate: 'tomorrow' }, 'autoOptimizationStartDate', 'InvalidServiceConfiguration'],
    [{ ...valid, explorationPercentag: 0.1 }, 'explorationPercentag', 'InvalidServiceConfiguration'],
    [{ ...valid, rewardWaitTime: undefined }, 'rewardWaitTime', 'InvalidServiceConfiguration'],
    [[valid], 'body', 'InvalidServiceConfiguration'],
  ])('refuses %j naming %s', (body, field, code) => {
    const checked = checkServiceUpdate(body, defaults.service, range, now);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toMatchObject({ field, code });
  });

  it('keeps the policy\'s --epsilon equal to explorationPercentage, both ways', () => {
    const checked = checkServiceUpdate({ ...valid, explorationPercentage: 0.05 }, defaults.service, range, now);
    if (!checked.ok) throw new Error(checked.error.message);
    const stored = applyServiceUpdate(defaults, checked.value);
    expect(stored.policy.arguments).toBe('--cb_explore_adf --epsilon 0.05 --dsjson');
    expect(effectiveConfiguration(stored)).toMatchObject({ exploration: 0.05, policy: { epsilon: 0.05 }, rewardWaitSeconds: 600, learningMode: 'Online' });
    const policy = checkPolicyUpdate({ name: 'migrated', arguments: '--cb_explore_adf --epsilon 0.3 --dsjson --cb_type ips -l 0.5 --l1 1E-07 --power_t 0.5' });
    if (!policy.ok) throw new Error(policy.error.message);
    const next = applyPolicyUpdate(stored, policy.value, now);
    expect(next.service.explorationPercentage).toBe(0.3);
    expect(effectiveConfiguration(next).exploration).toBe(0.3);
  });
});

describe('learning settings (Vowpal Wabbit arguments)', () => {
  it('takes the automatic Apprentice → Online switch (--auto_online_margin, --auto_online_min_events) and names a bad value', () => {
    expect(parsePolicyArguments('--cb_explore_adf --auto_online_margin 0.05')).toMatchObject({ ok: true, options: { autoOnline: { margin: 0.05, minEvents: 1000 } } });
    expect(parsePolicyArguments('--auto_online_margin=0.1 --auto_online_min_events 200')).toMatchObject({ ok: true, options: { autoOnline: { margin: 0.1, minEvents: 200 } } });
    const alone = parsePolicyArguments('--auto_online_min_events 200');
    expect(alone).toMatchObject({ ok: true, options: { applied: [], ignored: ['--auto_online_min_events 200: applies only with --auto_online_margin'] } });
    if (alone.ok) expect(alone.options.autoOnline).toBeUndefined();
    expect(parsePolicyArguments('--auto_online_margin 2')).toEqual({ ok: false, message: '--auto_online_margin must be a number from 0 to 1, got "2"' });
    expect(parsePolicyArguments('--auto_online_margin 0.1 --auto_online_min_events 0.5')).toEqual({ ok: false, message: '--auto_online_min_events must be a whole number ≥ 1, got "0.5"' });
  });

  it('applies --epsilon, accepts the shape flags, and reports the rest as ignored with why', () => {
    const parsed = parsePolicyArguments('--cb_explore_adf --epsilon 0.2 --dsjson --cb_type ips -l 0.5 --l1 1E-07 --power_t 0.5 -q UA --foo');
    expect(parsed).toEqual({
      ok: true,
      options: {
        epsilon: 0.2,
        applied: ['--cb_explore_adf', '--epsilon 0.2', '--dsjson'],
        ignored: [
          '--cb_type ips: the off-policy estimator is fixed (IPS, SNIPS and DR are all reported)',
          "-l 0.5: VW's learning rate; the GBDT trainer has its own",
          '--l1 1E-07: VW regularisation; not used by the GBDT',
          "--power_t 0.5: VW's learning-rate decay; not used by the GBDT",
          '-q UA: feature interactions are learned by the trees',
          '--foo: no meaning for this service',
        ],
      },
    });
    expect(parsePolicyArguments('--epsilon=0.1').ok && (parsePolicyArguments('--epsilon=0.1') as { options: { epsilon: number } }).options.epsilon).toBe(0.1);
  });

  it.each([
    ['--epsilon 2', /--epsilon must be a number from 0 to 1/],
    ['--epsilon', /--epsilon needs a value/],
    ['cb_explore_adf', /is not an option/],
  ])('refuses %j', (args, message) => {
    const parsed = parsePolicyArguments(args);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
    const checked = checkPolicyUpdate({ name: 'x', arguments: args });
    expect(checked.ok === false && checked.error).toMatchObject({ field: 'arguments', code: 'InvalidPolicyConfiguration' });
  });

  it('refuses a policy without a name, or with unknown fields', () => {
    expect(checkPolicyUpdate({ arguments: '' })).toMatchObject({ ok: false, error: { field: 'name' } });
    expect(checkPolicyUpdate({ name: 'a', arguments: '', epsilon: 1 })).toMatchObject({ ok: false, error: { field: 'epsilon' } });
  });

  it('sets --epsilon in an argument string', () => {
    expect(withEpsilon('--cb_explore_adf --epsilon 0.2 -l 0.5', 0.1)).toBe('--cb_explore_adf --epsilon 0.1 -l 0.5');
    expect(withEpsilon('--cb_explore_adf', 0.1)).toBe('--cb_explore_adf --epsilon 0.1');
    expect(withEpsilon('--epsilon=0.3', 0)).toBe('--epsilon=0');
  });
});
