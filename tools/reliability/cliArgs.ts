// Tiny `--name value` parser for the reliability drivers.

export type ArgSpec = Record<string, { default: number | string | boolean; help: string }>;

export type ParsedArgs<S extends ArgSpec> = { [K in keyof S]: S[K]['default'] };

export function parseArgs<S extends ArgSpec>(argv: string[], spec: S, usage: string): ParsedArgs<S> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) out[k] = v.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(`${usage}\n${Object.entries(spec).map(([k, v]) => `  --${k.padEnd(18)} ${v.help} (default ${String(v.default)})`).join('\n')}`);
      process.exit(0);
    }
    const name = arg.replace(/^--/, '');
    if (!arg.startsWith('--') || !(name in spec)) throw new Error(`unknown argument ${arg} (see --help)`);
    const def = spec[name].default;
    if (typeof def === 'boolean') {
      out[name] = true;
      continue;
    }
    const raw = argv[++i];
    if (raw === undefined) throw new Error(`${arg} needs a value`);
    if (typeof def === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${arg} must be a non-negative number, got "${raw}"`);
      out[name] = n;
    } else out[name] = raw;
  }
  return out as ParsedArgs<S>;
}

export const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
