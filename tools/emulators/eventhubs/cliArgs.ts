import type { HubConfig } from './hubRegistry';

export interface CliOptions {
  dataDir: string;
  port: number;
  host: string;
  hubs: HubConfig[];
  retentionHours?: number;
}

export class CliUsageError extends Error {}

export const USAGE =
  'usage: main.js --data-dir DIR [--port 5672] [--host 127.0.0.1] [--retention-hours H] --hub name:partitions[:cg1,cg2] [--hub ...]';

/** Parses `--data-dir D --port P --hub name:partitions[:cg1,cg2]` (repeatable --hub). */
export function parseCliArgs(argv: string[]): CliOptions {
  let dataDir: string | undefined;
  let port = 5672;
  let host = '127.0.0.1';
  let retentionHours: number | undefined;
  const hubs: HubConfig[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const need = (): string => {
      if (value === undefined || value.startsWith('--')) throw new CliUsageError(`${flag} needs a value`);
      i++;
      return value;
    };
    switch (flag) {
      case '--data-dir':
        dataDir = need();
        break;
      case '--port':
        port = Number(need());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`--port must be an integer from 0 to 65535, got ${value}`);
        break;
      case '--host':
        host = need();
        break;
      case '--retention-hours':
        retentionHours = Number(need());
        if (!(retentionHours > 0)) throw new CliUsageError(`--retention-hours must be a positive number, got ${value}`);
        break;
      case '--hub': {
        const spec = need();
        const [name, partitions, groups] = spec.split(':');
        const partitionCount = Number(partitions);
        if (!name || !Number.isInteger(partitionCount)) throw new CliUsageError(`--hub must look like name:partitions[:cg1,cg2], got ${spec}`);
        hubs.push({ name, partitionCount, consumerGroups: groups ? groups.split(',').filter(Boolean) : undefined });
        break;
      }
      default:
        throw new CliUsageError(`unknown argument ${flag}`);
    }
  }
  if (!dataDir) throw new CliUsageError('--data-dir is required');
  if (hubs.length === 0) throw new CliUsageError('at least one --hub is required');
  if (retentionHours !== undefined) for (const hub of hubs) hub.retentionHours = retentionHours;
  return { dataDir, port, host, hubs, retentionHours };
}
