// The one way every command under tools/ and bench/ reads its command line: option specs with
// help text, defaults and value converters; node:util parseArgs for the tokens (`--name value`,
// `--name=value`, `-h`); strict checks with messages that name the flag; the generated --help
// text; one usage error; and runCommand, the wrapper that maps failures to exit codes
// (2 usage, 1 failure, 0 success).
import { inspect, parseArgs } from 'node:util';
import { closestName } from './closestName';

/** A command line the command cannot run with: printed with the usage text, exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

// ---------------------------------------------------------------------------------------------
// Value converters: `(raw, flag) => value`, throwing a CliUsageError that names the flag.

export interface Converter<T> {
  (raw: string, flag: string): T;
  /** Shown after the flag in --help, e.g. `<n>`. */
  readonly placeholder: string;
}

function converter<T>(placeholder: string, convert: (raw: string, flag: string) => T): Converter<T> {
  return Object.assign((raw: string, flag: string) => convert(raw, flag), { placeholder });
}

function invalid(flag: string, expected: string, raw: string): CliUsageError {
  return new CliUsageError(`${flag} must be ${expected}, got "${raw}"`);
}

/** Any non-empty text. */
export const text: Converter<string> = converter('<text>', (raw, flag) => {
  if (raw === '') throw new CliUsageError(`${flag} needs a value`);
  return raw;
});

export interface NumberRule {
  integer?: boolean;
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** Values must be greater than this. */
  above?: number;
  /** Overrides the generated description, e.g. 'a port number 0-65535'. */
  description?: string;
  placeholder?: string;
}

function describeNumber(rule: NumberRule): string {
  if (rule.description) return rule.description;
  const kind = rule.integer ? 'a whole number' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return `${kind} ≥ ${rule.min}`;
  if (rule.above !== undefined) return `${kind} > ${rule.above}`;
  if (rule.max !== undefined) return `${kind} ≤ ${rule.max}`;
  return kind;
}

/** A finite decimal number within the rule's bounds. */
export function number(rule: NumberRule = {}): Converter<number> {
  const expected = describeNumber(rule);
  return converter(rule.placeholder ?? (rule.integer ? '<n>' : '<x>'), (raw, flag) => {
    const n = Number(raw);
    const ok =
      raw.trim() !== '' &&
      Number.isFinite(n) &&
      (!rule.integer || Number.isInteger(n)) &&
      (rule.min === undefined || n >= rule.min) &&
      (rule.max === undefined || n <= rule.max) &&
      (rule.above === undefined || n > rule.above);
    if (!ok) throw invalid(flag, expected, raw);
    return n;
  });
}

export const integer = number({ integer: true });
export const positiveInteger = number({ integer: true, min: 1 });
export const nonNegativeInteger = number({ integer: true, min: 0 });
export const nonNegativeNumber = number({ min: 0 });
export const positiveNumber = number({ above: 0 });
/** A TCP port; 0 lets the system pick a free one. */
export const port = number({ integer: true, min: 0, max: 65535, description: 'a port number 0-65535', placeholder: '<port>' });

/** An ISO 8601 date or date-time (a date alone is midnight UTC). */
export const isoTime: Converter<Date> = converter('<ISO time>', (raw, flag) => {
  const ms = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || !Number.isFinite(ms)) throw invalid(flag, 'an ISO 8601 time (e.g. 2026-11-01 or 2026-11-01T00:00:00Z)', raw);
  return new Date(ms);
});

/** One of a fixed set of words. */
export function oneOf<const T extends readonly string[]>(values: T): Converter<T[number]> {
  return converter(values.join('|'), (raw, flag) => {
    if (!values.includes(raw)) throw invalid(flag, `one of ${values.join(', ')}`, raw);
    return raw as T[number];
  });
}

/** A comma-separated list (empty items dropped), each item converted by `item`. */
export function list<T = string>(item: Converter<T> = text as unknown as Converter<T>): Converter<T[]> {
  return converter(`${item.placeholder.replace(/>$/, '')},…>`, (raw, flag) =>
    raw.split(',').map((s) => s.trim()).filter(Boolean).map((s) => item(s, flag)),
  );
}

// ---------------------------------------------------------------------------------------------
// Option specs.

interface OptionBase {
  help: string;
  /** One letter: `-x` as well as `--name`. */
  short?: string;
  /** Heading the option is listed under in --help (default "Options"). */
  group?: string;
}

export interface FlagOption extends OptionBase {
  kind: 'flag';
}

export interface ValueOption<T> extends OptionBase {
  kind: 'value';
  convert: Converter<unknown>;
  placeholder: string;
  default?: unknown;
  /** How --help shows the default, when the value itself would not say it well. */
  defaultText?: string;
  required: boolean;
  multiple: boolean;
  /** Type of the parsed value; never set. */
  readonly valueType?: T;
}

export type CommandOption = FlagOption | ValueOption<unknown>;
export type OptionSpecs = Record<string, CommandOption>;
export type OptionValue<O> = O extends FlagOption ? boolean : O extends ValueOption<infer T> ? T : never;
export type OptionValues<S extends OptionSpecs> = { -readonly [K in keyof S]: OptionValue<S[K]> };

/** A boolean switch: present → true. */
export function flag(help: string, settings: { short?: string; group?: string } = {}): FlagOption {
  return { kind: 'flag', help, ...settings };
}

interface ValueSettings<T> {
  placeholder?: string;
  default?: T;
  defaultText?: string;
  required?: boolean;
  short?: string;
  group?: string;
}

/** An option with a value, converted by `convert`. With a default or `required`, never undefined. */
export function option<T>(help: string, convert: Converter<T>, settings: ValueSettings<T> & ({ default: T } | { required: true })): ValueOption<T>;
export function option<T>(help: string, convert: Converter<T>, settings?: ValueSettings<T>): ValueOption<T | undefined>;
export function option<T>(help: string, convert: Converter<T>, settings: ValueSettings<T> = {}): ValueOption<T | undefined> {
  const { placeholder, required, ...rest } = settings;
  return { kind: 'value', help, convert, placeholder: placeholder ?? convert.placeholder, required: required ?? false, multiple: false, ...rest };
}

/** An option that may be given several times; its values in order (empty when never given). */
export function repeatable<T>(help: string, convert: Converter<T>, settings: Omit<ValueSettings<T[]>, 'default' | 'defaultText'> = {}): ValueOption<T[]> {
  const { placeholder, required, ...rest } = settings;
  return { kind: 'value', help, convert, placeholder: placeholder ?? convert.placeholder, required: required ?? false, multiple: true, ...rest };
}

// ---------------------------------------------------------------------------------------------
// Commands.

export interface Positional {
  name: string;
  help: string;
}

export interface CommandSpec<S extends OptionSpecs> {
  /** What follows "Usage: ", e.g. `npm run demo -- [options]`. */
  usage: string;
  /** A paragraph under the usage line. */
  summary?: string;
  options: S;
  /** Arguments without a flag, in order, all optional; none unless listed. */
  positionals?: readonly Positional[];
  /** Text after the options (exit codes, output). */
  notes?: string;
}

export interface CommandLine<S extends OptionSpecs> {
  /** --help or -h was given: `values` holds the defaults and nothing required was checked. */
  help: boolean;
  values: OptionValues<S>;
  positionals: string[];
}

const HELP_OPTION: FlagOption = { kind: 'flag', help: 'this text', short: 'h' };

/** Defines a command; the identity, for type inference of the option values. */
export function command<S extends OptionSpecs>(spec: CommandSpec<S>): CommandSpec<S> {
  if ('help' in spec.options) throw new Error('--help is added to every command; do not declare it');
  return spec;
}

/** A value that looks like an option (`--x`, `-x`) but not like a negative number. */
const looksLikeOption = (value: string) => value.startsWith('-') && !/^-\.?\d/.test(value);

/**
 * Reads argv against the spec. Strict: an unknown flag, a flag without its value, a value given to
 * a switch, an unexpected positional argument, a missing required option and a value its
 * converter refuses are CliUsageErrors naming the flag.
 */
export function parseCommandLine<S extends OptionSpecs>(spec: CommandSpec<S>, argv: readonly string[]): CommandLine<S> {
  const options = { ...spec.options, help: HELP_OPTION } as OptionSpecs;
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(options)) {
    config[name] = { type: o.kind === 'flag' ? 'boolean' : 'string', ...(o.short ? { short: o.short } : {}), ...(o.kind === 'value' && o.multiple ? { multiple: true } : {}) };
  }
  // Non-strict tokens, checked here, so that every message names the flag as typed and a
  // negative number can follow its flag (`--offset -5`).
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const raw = new Map<string, string[]>();
  let help = false;
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    const o = options[token.name];
    if (!o) {
      const suggestion = token.rawName.startsWith('--') ? closestName(token.name, Object.keys(options)) : undefined;
      throw new CliUsageError(`unknown argument ${token.rawName}${suggestion ? ` (did you mean --${suggestion}?)` : ''}`);
    }
    if (o.kind === 'flag') {
      if (token.value !== undefined) throw new CliUsageError(`${token.rawName} takes no value`);
      if (o === HELP_OPTION) help = true;
      else raw.set(token.name, ['']);
      continue;
    }
    if (token.value === undefined || (!token.inlineValue && looksLikeOption(token.value))) throw new CliUsageError(`${token.rawName} needs a value`);
    raw.set(token.name, [...(o.multiple ? raw.get(token.name) ?? [] : []), token.value]);
  }
  const allowed = spec.positionals?.length ?? 0;
  if (positionals.length > allowed) {
    throw new CliUsageError(allowed === 0 ? `unexpected argument "${positionals[0]}" (options start with --)` : `unexpected argument "${positionals[allowed]}": at most ${allowed}`);
  }
  const values: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const given = raw.get(name);
    const flagName = `--${name}`;
    if (o.kind === 'flag') values[name] = given !== undefined;
    else if (given === undefined) {
      if (o.required && !help) throw new CliUsageError(`${flagName} is required`);
      values[name] = o.multiple ? [] : o.default;
    } else values[name] = o.multiple ? given.map((v) => o.convert(v, flagName)) : o.convert(given[0], flagName);
  }
  return { help, values: values as OptionValues<S>, positionals };
}

/** Positional argument `index` converted (errors name it `<name>`), or the fallback when absent. */
export function positional<T>(args: readonly string[], index: number, name: string, convert: Converter<T>, fallback: T): T {
  const raw = args[index];
  return raw === undefined ? fallback : convert(raw, `<${name}>`);
}

function formatDefault(o: ValueOption<unknown>): string | undefined {
  if (o.defaultText !== undefined) return o.defaultText;
  const d = o.default;
  if (d === undefined || d === '') return undefined;
  if (d instanceof Date) return d.toISOString();
  if (Array.isArray(d)) return d.length > 0 ? d.join(',') : undefined;
  return String(d);
}

/** The --help text: usage, summary, the options (by group) with their defaults, notes. */
export function helpText(spec: CommandSpec<OptionSpecs>): string {
  const rows: { group: string; label: string; help: string }[] = [];
  for (const p of spec.positionals ?? []) rows.push({ group: 'Arguments', label: `[${p.name}]`, help: p.help });
  for (const [name, o] of Object.entries<CommandOption>({ ...spec.options, help: HELP_OPTION })) {
    const short = o.short ? `-${o.short}, ` : '';
    const label = `${short}--${name}${o.kind === 'value' ? ` ${o.placeholder}` : ''}`;
    const notes: string[] = [];
    if (o.kind === 'value') {
      const shown = formatDefault(o);
      if (o.required) notes.push('required');
      else if (shown !== undefined) notes.push(`default ${shown}`);
      if (o.multiple) notes.push('repeatable');
    }
    const help = notes.length > 0 ? `${o.help} (${notes.join(', ')})` : o.help;
    rows.push({ group: o.group ?? 'Options', label, help });
  }
  const width = Math.min(28, Math.max(...rows.map((r) => r.label.length)) + 2);
  const groups = [...new Set(rows.map((r) => r.group))];
  const sections = groups.map((group) => {
    const lines = rows.filter((r) => r.group === group).map((r) => {
      const [first, ...more] = r.help.split('\n');
      const pad = r.label.length + 2 > width ? `\n  ${' '.repeat(width)}` : ' '.repeat(width - r.label.length);
      return [`  ${r.label}${pad}${first}`, ...more.map((m) => `  ${' '.repeat(width)}${m}`)].join('\n');
    });
    return `${group}:\n${lines.join('\n')}`;
  });
  return [`Usage: ${spec.usage}`, spec.summary, ...sections, spec.notes].filter((s): s is string => Boolean(s)).join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// Running a command.

type ErrorClass = abstract new (...args: never[]) => Error;
/** An error class, or a test, for errors that explain themselves: printed without a stack. */
export type ExpectedError = ErrorClass | ((error: unknown) => boolean);

/** Node's system errors (EADDRINUSE, ENOENT …): their message says what and where. */
export const systemError = (error: unknown): boolean =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string';

interface Output {
  write(chunk: string): unknown;
}

export interface RunSettings {
  /** Default: process.argv.slice(2). */
  argv?: readonly string[];
  expected?: readonly ExpectedError[];
  /** Put before the message of a failure (not of a usage error), e.g. 'simulate failed'. */
  failurePrefix?: string;
  /** A server: when main resolves, the process keeps running (it exits on failure only). */
  keepAlive?: boolean;
  /** Default: process.exit. */
  exit?: (code: number) => void;
  stdout?: Output;
  stderr?: Output;
}

/** The message, then the messages of its causes (`fetch failed: connect ECONNREFUSED …`). */
function explain(error: Error): string {
  let text = error.message;
  for (let cause = error.cause, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) text += `: ${cause.message}`;
  return text;
}

function isExpected(error: unknown, expected: readonly ExpectedError[]): boolean {
  return expected.some((e) => (e.prototype instanceof Error || e === Error ? error instanceof (e as ErrorClass) : (e as (x: unknown) => boolean)(error)));
}

/**
 * Parses the command line and runs main with the option values. --help prints the help text
 * (exit 0); a CliUsageError prints its message and the help text (exit 2); an expected error its
 * message and its causes' (exit 1); anything else its stack, causes included (exit 1). Success exits with main's number, else 0.
 * Resolves to the exit code (for tests with an injected `exit`).
 */
export async function runCommand<S extends OptionSpecs>(
  spec: CommandSpec<S>,
  main: (values: OptionValues<S>, positionals: string[]) => Promise<number | void> | number | void,
  settings: RunSettings = {},
): Promise<number> {
  const stdout = settings.stdout ?? process.stdout;
  const stderr = settings.stderr ?? process.stderr;
  const exit = settings.exit ?? ((code: number) => process.exit(code));
  const prefix = settings.failurePrefix ? `${settings.failurePrefix}: ` : '';
  let code: number;
  try {
    const line = parseCommandLine(spec, settings.argv ?? process.argv.slice(2));
    if (line.help) {
      stdout.write(`${helpText(spec)}\n`);
      code = 0;
    } else {
      code = (await main(line.values, line.positionals)) ?? 0;
      if (code === 0 && settings.keepAlive) return 0;
    }
  } catch (error) {
    if (error instanceof CliUsageError) {
      stderr.write(`${error.message}\n\n${helpText(spec)}\n`);
      code = 2;
    } else {
      const message = isExpected(error, settings.expected ?? []) ? explain(error as Error) : error instanceof Error ? inspect(error) : String(error);
      stderr.write(`${prefix}${message}\n`);
      code = 1;
    }
  }
  exit(code);
  return code;
}
