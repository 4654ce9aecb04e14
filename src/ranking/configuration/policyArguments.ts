// Personalizer's learning settings are Vowpal Wabbit command lines ("--cb_explore_adf --epsilon 0.2
// -l 0.5 ..."). This service learns with a GBDT, not VW, so only the options that mean something
// here are applied; the others are accepted (a migrated resource's settings are taken as they are)
// and reported back as ignored, with why. Besides --epsilon, `--squarecb` (with VW's
// --gamma_scale and --gamma_exponent) switches exploration to SquareCB, and this service's own
// `--auto_online_margin` / `--auto_online_min_events` opt in to the learner switching Apprentice
// mode to Online once it beats the baseline (continuousLearning/apprenticeSwitch.ts).

export interface PolicyOptions {
  /** --epsilon: the exploration share of epsilon-greedy (explorationPercentage). */
  epsilon?: number;
  /** --squarecb: SquareCB exploration, γ = gammaScale · t^gammaExponent (t: decisions the serving model learnt from). */
  squareCb?: { gammaScale: number; gammaExponent: number };
  /** --auto_online_margin: switch Apprentice → Online once the learner's estimated lift over the baseline reaches this. */
  autoOnline?: { margin: number; minEvents: number };
  /** Options applied, as given ("--epsilon 0.2"). */
  applied: string[];
  /** Options accepted without effect, each with the reason ("-l 0.5: VW's learning rate; the GBDT has its own"). */
  ignored: string[];
}

/** Options that take a value (VW's spelling, short and long). */
const WITH_VALUE = new Set([
  '--epsilon', '-l', '--learning_rate', '--l1', '--l2', '--power_t', '--cb_type', '--first', '--bag', '--cover', '--gamma_scale', '--gamma_exponent',
  '-q', '--quadratic', '--cubic', '--interactions', '--ignore', '--ignore_linear', '--keep', '-b', '--bit_precision', '--passes', '--decay_learning_rate',
  '--initial_t', '--lambda', '--psi', '--nounif', '--marginal', '--cb_explore', '--cb', '--ccb_explore_adf_slots', '--random_seed', '--loss_function',
  '--auto_online_margin', '--auto_online_min_events',
]);
/** VW's defaults for --gamma_scale and --gamma_exponent (as learners/squareCb.ts). */
const GAMMA_DEFAULTS = { gammaScale: 10, gammaExponent: 0.5 };
/** Events the learner must have compared before an automatic switch, unless --auto_online_min_events says otherwise. */
export const DEFAULT_AUTO_ONLINE_MIN_EVENTS = 1000;
/** Flags that describe what this service does anyway: contextual bandit over action-dependent features, JSON logs. */
const IMPLIED = new Set(['--cb_explore_adf', '--cb_adf', '--dsjson', '--ccb_explore_adf', '--slates']);
const WHY: Record<string, string> = {
  '-l': "VW's learning rate; the GBDT trainer has its own",
  '--learning_rate': "VW's learning rate; the GBDT trainer has its own",
  '--l1': 'VW regularisation; not used by the GBDT',
  '--l2': 'VW regularisation; not used by the GBDT',
  '--power_t': "VW's learning-rate decay; not used by the GBDT",
  '--cb_type': 'the off-policy estimator is fixed (IPS, SNIPS and DR are all reported)',
  '-q': 'feature interactions are learned by the trees',
  '--quadratic': 'feature interactions are learned by the trees',
  '--cubic': 'feature interactions are learned by the trees',
  '--interactions': 'feature interactions are learned by the trees',
};

export type ParsedPolicy = { ok: true; options: PolicyOptions } | { ok: false; message: string };

export function parsePolicyArguments(text: string): ParsedPolicy {
  const tokens = text.trim() === '' ? [] : text.trim().split(/\s+/);
  const options: PolicyOptions = { applied: [], ignored: [] };
  const squareCb = tokens.some((t) => t === '--squarecb');
  const gamma = { ...GAMMA_DEFAULTS };
  let margin: number | undefined;
  let minEvents: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token.startsWith('-')) return { ok: false, message: `"${token}" is not an option (options start with - or --)` };
    const [name, inline] = token.includes('=') ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)] : [token, undefined];
    let value = inline;
    if (value === undefined && WITH_VALUE.has(name)) {
      value = tokens[i + 1];
      if (value === undefined || (value.startsWith('--') && Number.isNaN(Number(value)))) return { ok: false, message: `${name} needs a value` };
      i++;
    }
    const shown = value === undefined ? name : `${name} ${value}`;
    if (name === '--epsilon') {
      const epsilon = Number(value);
      if (!Number.isFinite(epsilon) || epsilon < 0 || epsilon > 1) return { ok: false, message: `--epsilon must be a number from 0 to 1, got "${value}"` };
      options.epsilon = epsilon;
      options.applied.push(shown);
    } else if (name === '--squarecb') {
      options.applied.push(shown);
    } else if (name === '--gamma_scale' || name === '--gamma_exponent') {
      const v = Number(value);
      if (!Number.isFinite(v) || v < 0) return { ok: false, message: `${name} must be a number ≥ 0, got "${value}"` };
      if (!squareCb) {
        options.ignored.push(`${shown}: applies only with --squarecb`);
        continue;
      }
      gamma[name === '--gamma_scale' ? 'gammaScale' : 'gammaExponent'] = v;
      options.applied.push(shown);
    } else if (name === '--auto_online_margin') {
      const v = Number(value);
      if (!Number.isFinite(v) || v < 0 || v > 1) return { ok: false, message: `--auto_online_margin must be a number from 0 to 1, got "${value}"` };
      margin = v;
      options.applied.push(shown);
    } else if (name === '--auto_online_min_events') {
      const v = Number(value);
      if (!Number.isInteger(v) || v < 1) return { ok: false, message: `--auto_online_min_events must be a whole number ≥ 1, got "${value}"` };
      minEvents = v;
      options.applied.push(shown);
    } else if (IMPLIED.has(name)) {
      options.applied.push(shown);
    } else {
      options.ignored.push(`${shown}: ${WHY[name] ?? 'no meaning for this service'}`);
    }
  }
  if (squareCb) {
    options.squareCb = gamma;
    // Both are accepted: --epsilon keeps explorationPercentage in step, but SquareCB sets the exploration.
    const at = options.applied.findIndex((a) => a.startsWith('--epsilon'));
    if (at >= 0) options.ignored.push(`${options.applied.splice(at, 1)[0]}: --squarecb explores instead of epsilon-greedy`);
  }
  if (margin !== undefined) options.autoOnline = { margin, minEvents: minEvents ?? DEFAULT_AUTO_ONLINE_MIN_EVENTS };
  else if (minEvents !== undefined) {
    const at = options.applied.findIndex((a) => a.startsWith('--auto_online_min_events'));
    options.ignored.push(`${options.applied.splice(at, 1)[0]}: applies only with --auto_online_margin`);
  }
  return { ok: true, options };
}

/** The arguments with --epsilon set to `epsilon` (added when absent). */
export function withEpsilon(text: string, epsilon: number): string {
  const tokens = text.trim() === '' ? [] : text.trim().split(/\s+/);
  const at = tokens.findIndex((t) => t === '--epsilon' || t.startsWith('--epsilon='));
  if (at < 0) return [...tokens, '--epsilon', String(epsilon)].join(' ');
  if (tokens[at].includes('=')) tokens[at] = `--epsilon=${epsilon}`;
  else tokens[at + 1] = String(epsilon);
  return tokens.join(' ');
}
