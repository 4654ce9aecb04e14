export interface HostLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function consoleLogger(prefix = ''): HostLogger {
  const stamp = () => new Date().toISOString();
  return {
    info: (m) => console.log(`[${stamp()}] ${prefix}${m}`),
    warn: (m) => console.warn(`[${stamp()}] ${prefix}${m}`),
    error: (m) => console.error(`[${stamp()}] ${prefix}${m}`),
  };
}

export const silentLogger: HostLogger = { info() {}, warn() {}, error() {} };

/** Routes `context.log/warn/error` of one invocation to the host's log, tagged with the function name. */
export function invocationLogHandler(logger: HostLogger, functionName: string, invocationId: string) {
  return (level: string, ...args: unknown[]) => {
    const text = args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.stack ?? a.message : JSON.stringify(a))).join(' ');
    const line = `${functionName} (${invocationId.slice(0, 8)}): ${text}`;
    if (level === 'error' || level === 'critical') logger.error(line);
    else if (level === 'warning') logger.warn(line);
    else if (level !== 'trace' && level !== 'debug') logger.info(line);
  };
}
