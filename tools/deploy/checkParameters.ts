// azd preprovision hook: refuses deployment parameters the template cannot check itself, before
// anything is created. Reads the azd environment (process.env), the values main.parameters.json
// substitutes: CORS_ALLOWED_ORIGINS and ALERT_EMAIL.
//   npm run deploy:check
import { command, runCommand } from '../cli/commandLine';

export class ParameterError extends Error {}

/** Default of main.bicep's corsAllowedOrigins, used when CORS_ALLOWED_ORIGINS is unset. */
export const DEFAULT_CORS_ORIGINS = 'https://portal.azure.com';

/**
 * Problems of a comma-separated CORS origin list, each naming the entry: every entry must be an
 * exact origin (scheme, host, optional port; no path, no wildcard). `*` would let any web page
 * call the API with a visitor's browser; plain http is allowed only for localhost (development).
 */
export function corsOriginProblems(value: string): string[] {
  const problems: string[] = [];
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  for (const entry of entries) {
    const where = `CORS_ALLOWED_ORIGINS entry "${entry}"`;
    if (entry.includes('*')) {
      problems.push(`${where}: wildcards are not allowed; list each origin (https://shop.example.com)`);
      continue;
    }
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      problems.push(`${where}: not an origin such as https://shop.example.com`);
      continue;
    }
    if (url.origin !== entry.replace(/\/$/, '') || url.pathname !== '/' || url.search || url.hash) {
      problems.push(`${where}: an origin has no path, query or trailing parts; use ${url.origin}`);
    } else if (url.protocol !== 'https:' && !(url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname))) {
      problems.push(`${where}: must be https (http only for localhost)`);
    }
  }
  return problems;
}

export function alertEmailProblems(value: string): string[] {
  const email = value.trim();
  if (email === '' || /^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$/.test(email)) return [];
  return [`ALERT_EMAIL "${email}": not one e-mail address`];
}

export function parameterProblems(env: NodeJS.ProcessEnv): string[] {
  return [...corsOriginProblems(env.CORS_ALLOWED_ORIGINS ?? DEFAULT_CORS_ORIGINS), ...alertEmailProblems(env.ALERT_EMAIL ?? '')];
}

const CHECK_COMMAND = command({
  usage: 'npm run deploy:check   (azd runs it before provisioning)',
  summary: 'Checks the azd environment values the templates take as text: CORS_ALLOWED_ORIGINS (exact origins, never *) and ALERT_EMAIL.',
  options: {},
  notes: 'Set them with `azd env set NAME value`. Exit codes: 0 fine, 1 a value is wrong (each named), 2 bad flags.',
});

function main(): void {
  const problems = parameterProblems(process.env);
  if (problems.length > 0) throw new ParameterError(problems.join('\n'));
  const origins = process.env.CORS_ALLOWED_ORIGINS ?? DEFAULT_CORS_ORIGINS;
  console.log(`parameters ok: CORS origins ${origins || '(none: browsers cannot call the API from other sites)'}`);
}

if (require.main === module) void runCommand(CHECK_COMMAND, main, { expected: [ParameterError] });
