// The shared command line: converters, strict parsing, generated help, runCommand's exit codes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  CliUsageError, command, flag, helpText, integer, isoTime, list, nonNegativeInteger, nonNegativeNumber, number, oneOf, option,
  parseCommandLine, port, positiveInteger, positiveNumber, repeatable, runCommand, systemError, text, type RunSettings,
} from '../../../tools/cli/commandLine';

const SPEC = command({
  usage: 'demo-tool -- [options]',
  summary: 'Does a thing.',
  options: {
    rounds: option('rounds to run', positiveInteger, { default: 5 }),
    name: option('who', text, { required: true }),
    since: option('first time', isoTime),
    engine: option('scoring engine', oneOf(['trees', 'onnx'] as const), { default: 'trees' }),
    offset: option('shift', integer, { default: 0, group: 'Tuning' }),
    tags: option('labels', list(), { default: [] as string[] }),
    hub: repeatable('a hub', text, { placeholder: '<name:n>' }),
    verbose: flag('more output', { short: 'v' }),
  },
  notes: 'Exit codes: 0 done.',
});

const parse = (argv: string[]) => parseCommandLine(SPEC, argv);
const usageError = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliUsageError);
    return (error as Error).message;
  }
  throw new Error('no CliUsageError');
};

describe('converters name the flag and the value', () => {
  it.each([
    [positiveInteger, '0', '--n must be a whole number ≥ 1, got "0"'],
    [positiveInteger, '1.5', '--n must be a whole number ≥ 1, got "1.5"'],
    [nonNegativeInteger, '-1', '--n must be a whole number ≥ 0, got "-1"'],
    [nonNegativeNumber, '', '--n must be a number ≥ 0, got ""'],
    [positiveNumber, '0', '--n must be a number > 0, got "0"'],
    [integer, 'abc', '--n must be a whole number, got "abc"'],
    [number({ min: 0, max: 1 }), '1.2', '--n must be a number from 0 to 1, got "1.2"'],
    [port, '65536', '--n must be a port number 0-65535, got "65536"'],
    [isoTime, 'yesterday', '--n must be an ISO 8601 time (e.g. 2026-11-01 or 2026-11-01T00:00:00Z), got "yesterday"'],
    [oneOf(['a', 'b']), 'c', '--n must be one of a, b, got "c"'],
    [list(positiveInteger), '1,x', '--n must be a whole number ≥ 1, got "x"'],
    [text, '', '--n needs a value'],
  ])('%#: refuses %s', (convert, raw, message) => {
    expect(usageError(() => (convert as (r: string, f: string) => unknown)(raw, '--n'))).toBe(message);
  });

  it('converts good values', () => {
    expect(positiveInteger('3', '--n')).toBe(3);
    expect(nonNegativeNumber('0.25', '--n')).toBe(0.25);
    expect(port('0', '--n')).toBe(0);
    expect(integer('-7', '--n')).toBe(-7);
    expect(isoTime('2026-11-01', '--n')).toEqual(new Date('2026-11-01T00:00:00Z'));
    expect(list()('a, b,,c', '--n')).toEqual(['a', 'b', 'c']);
    expect(list(positiveInteger)('1,2', '--n')).toEqual([1, 2]);
    expect(oneOf(['trees', 'onnx'])('onnx', '--n')).toBe('onnx');
  });
});

describe('parseCommandLine', () => {
  it('fills defaults and reads --name value, --name=value, short flags and repeats', () => {
    expect(parse(['--name', 'x']).values).toEqual({ rounds: 5, name: 'x', since: undefined, engine: 'trees', offset: 0, tags: [], hub: [], verbose: false });
    const line = parse(['--name=y', '--rounds=3', '--since', '2026-01-02T03:04:05Z', '--engine=onnx', '-v', '--hub', 'a:1', '--hub=b:2', '--tags', 'p,q']);
    expect(line).toEqual({
      help: false,
      positionals: [],
      values: { rounds: 3, name: 'y', since: new Date('2026-01-02T03:04:05Z'), engine: 'onnx', offset: 0, tags: ['p', 'q'], hub: ['a:1', 'b:2'], verbose: true },
    });
  });

  it('takes a negative number as a value, an option-like word as a missing value', () => {
    expect(parse(['--name', 'x', '--offset', '-5']).values.offset).toBe(-5);
    expect(usageError(() => parse(['--name', 'x', '--offset', '--verbose']))).toBe('--offset needs a value');
    expect(usageError(() => parse(['--name', 'x', '--offset']))).toBe('--offset needs a value');
    expect(parse(['--name=--odd']).values.name).toBe('--odd');
  });

  it('is strict: unknown flags, values of switches, positionals, missing required options', () => {
    expect(usageError(() => parse(['--name', 'x', '--rouns', '2']))).toBe('unknown argument --rouns (did you mean --rounds?)');
    expect(usageError(() => parse(['--name', 'x', '--zzzzzz']))).toBe('unknown argument --zzzzzz');
    expect(usageError(() => parse(['--name', 'x', '-q']))).toBe('unknown argument -q');
    expect(usageError(() => parse(['--name', 'x', '--verbose=yes']))).toBe('--verbose takes no value');
    expect(usageError(() => parse(['--name', 'x', 'extra']))).toBe('unexpected argument "extra" (options start with --)');
    expect(usageError(() => parse([]))).toBe('--name is required');
    expect(usageError(() => parse(['--name', 'x', '--rounds', '0']))).toBe('--rounds must be a whole number ≥ 1, got "0"');
  });

  it('reports --help and -h without checking required options', () => {
    expect(parse(['--help']).help).toBe(true);
    expect(parse(['-h']).values.rounds).toBe(5);
    expect(parse(['--name', 'x']).help).toBe(false);
  });

  it('accepts the declared positionals only', () => {
    const spec = command({ usage: 'x [dir]', options: {}, positionals: [{ name: 'dir', help: 'folder' }] });
    expect(parseCommandLine(spec, ['infra']).positionals).toEqual(['infra']);
    expect(usageError(() => parseCommandLine(spec, ['a', 'b']))).toBe('unexpected argument "b": at most 1');
  });

  it('refuses a spec that declares --help itself', () => {
    expect(() => command({ usage: 'x', options: { help: flag('mine') } })).toThrow(/--help/);
  });
});

describe('helpText', () => {
  it('lists usage, summary, options by group with placeholders and defaults, and notes', () => {
    expect(helpText(SPEC)).toBe(`Usage: demo-tool -- [options]

Does a thing.

Options:
  --rounds <n>         rounds to run (default 5)
  --name <text>        who (required)
  --since <ISO time>   first time
  --engine trees|onnx  scoring engine (default trees)
  --tags <text,…>      labels
  --hub <name:n>       a hub (repeatable)
  -v, --verbose        more output
  -h, --help           this text

Tuning:
  --offset <n>         shift (default 0)

Exit codes: 0 done.`);
  });

  it('indents continuation lines of a help text and moves long labels onto their own line', () => {
    const spec = command({
      usage: 'x',
      options: {
        a: option('first line\nsecond line', text),
        'a-very-long-option-name-indeed': option('long one', text, { placeholder: '<value>' }),
      },
    });
    const lines = helpText(spec).split('\n');
    const col = lines.find((l) => l.includes('first line'))!.indexOf('first line');
    expect(lines[lines.findIndex((l) => l.includes('first line')) + 1]).toBe(`${' '.repeat(col)}second line`);
    const long = lines.findIndex((l) => l.includes('--a-very-long-option-name-indeed <value>'));
    expect(lines[long].trimEnd()).toBe('  --a-very-long-option-name-indeed <value>');
    expect(lines[long + 1]).toBe(`${' '.repeat(col)}long one`);
  });
});

class KnownError extends Error {}

function capture() {
  let text = '';
  return { write: (s: string) => (text += s), get text() { return text; } };
}

async function run(argv: string[], main: () => Promise<number | void> | number | void, settings: Pick<RunSettings, 'expected' | 'keepAlive' | 'failurePrefix'> = {}) {
  const stdout = capture();
  const stderr = capture();
  const exits: number[] = [];
  const code = await runCommand(SPEC, main, { argv, stdout, stderr, exit: (c) => exits.push(c), ...settings });
  return { code, exits, out: stdout.text, err: stderr.text };
}

describe('runCommand', () => {
  it('exits 0 after main, or with the code main returns', async () => {
    expect(await run(['--name', 'x'], () => {})).toMatchObject({ code: 0, exits: [0] });
    expect(await run(['--name', 'x'], () => 3)).toMatchObject({ code: 3, exits: [3] });
  });

  it('hands main the parsed values', async () => {
    let seen: unknown;
    await runCommand(SPEC, (values) => void (seen = values.rounds), { argv: ['--name', 'x', '--rounds', '7'], exit: () => {} });
    expect(seen).toBe(7);
  });

  it('prints the help text on stdout for --help, exit 0, without running main', async () => {
    let ran = false;
    const r = await run(['--help'], () => void (ran = true));
    expect(r).toMatchObject({ code: 0, exits: [0], err: '' });
    expect(r.out).toBe(`${helpText(SPEC)}\n`);
    expect(ran).toBe(false);
  });

  it('prints a usage error and the usage text on stderr, exit 2', async () => {
    const r = await run(['--name', 'x', '--bogus'], () => {});
    expect(r).toMatchObject({ code: 2, exits: [2], out: '' });
    expect(r.err).toBe(`unknown argument --bogus\n\n${helpText(SPEC)}\n`);
    const thrown = await run(['--name', 'x'], () => {
      throw new CliUsageError('give exactly one of --a or --b');
    });
    expect(thrown.code).toBe(2);
    expect(thrown.err).toMatch(/^give exactly one of --a or --b\n\nUsage: demo-tool/);
  });

  it('prints an expected error without a stack, anything else with one, exit 1', async () => {
    const known = await run(['--name', 'x'], async () => {
      throw new KnownError('the data is bad: row 3');
    }, { expected: [KnownError], failurePrefix: 'demo-tool failed' });
    expect(known).toMatchObject({ code: 1, exits: [1], err: 'demo-tool failed: the data is bad: row 3\n' });
    const unknown = await run(['--name', 'x'], async () => {
      throw new TypeError('oops');
    }, { expected: [KnownError] });
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^TypeError: oops\n\s+at /);
    const system = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:5672'), { code: 'EADDRINUSE', syscall: 'listen' });
    const byTest = await run(['--name', 'x'], () => {
      throw system;
    }, { expected: [systemError] });
    expect(byTest.err).toBe('listen EADDRINUSE: address already in use 127.0.0.1:5672\n');
    const caused = await run(['--name', 'x'], () => {
      throw new KnownError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:7071') });
    }, { expected: [KnownError] });
    expect(caused.err).toBe('fetch failed: connect ECONNREFUSED 127.0.0.1:7071\n');
    const unexpectedCause = await run(['--name', 'x'], () => {
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND nowhere') });
    });
    expect(unexpectedCause.err).toMatch(/^TypeError: fetch failed\n\s+at [\s\S]*\[cause\]: Error: getaddrinfo ENOTFOUND nowhere/);
  });

  it('leaves a server running when main resolves (keepAlive), exits on its failure', async () => {
    expect(await run(['--name', 'x'], () => {}, { keepAlive: true })).toMatchObject({ code: 0, exits: [] });
    expect(await run(['--name', 'x', '--rounds', 'x'], () => {}, { keepAlive: true })).toMatchObject({ code: 2, exits: [2] });
  });

  it('sets the real process exit code (child process)', () => {
    // The module needs node:util and its sibling closestName only: transpiled, they run in a plain node child.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'command-line-'));
    for (const name of ['commandLine', 'closestName']) {
      const source = fs.readFileSync(path.resolve(__dirname, `../../../tools/cli/${name}.ts`), 'utf8');
      fs.writeFileSync(path.join(dir, `${name}.js`), ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
    }
    fs.writeFileSync(path.join(dir, 'cmd.js'), `
      const { command, option, positiveInteger, runCommand } = require('./commandLine.js');
      const spec = command({ usage: 'cmd [options]', options: { n: option('n', positiveInteger, { default: 1 }) } });
      void runCommand(spec, (v) => { if (v.n === 9) throw new Error('nine'); console.log('n=' + v.n); });
    `);
    const exec = (args: string[]) => spawnSync(process.execPath, [path.join(dir, 'cmd.js'), ...args], { encoding: 'utf8' });
    try {
      const ok = exec(['--n', '4']);
      expect([ok.status, ok.stdout]).toEqual([0, 'n=4\n']);
      const usage = exec(['--n', '0']);
      expect(usage.status).toBe(2);
      expect(usage.stderr).toMatch(/^--n must be a whole number ≥ 1, got "0"\n\nUsage: cmd/);
      const failed = exec(['--n', '9']);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toMatch(/Error: nine\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
