// The command line of the Event Hubs emulator process (main.ts).
import { CliUsageError, command, option, parseCommandLine, port, positiveNumber, repeatable, text, type OptionValues } from '../../cli/commandLine';
import type { HubConfig } from './hubRegistry';

export interface EmulatorOptions {
  dataDir: string;
  port: number;
  host: string;
  hubs: HubConfig[];
  retentionHours?: number;
}

/** `name:partitions[:cg1,cg2]` → a hub. */
function hub(raw: string, flag: string): HubConfig {
  const [name, partitions, groups] = raw.split(':');
  const partitionCount = Number(partitions);
  if (!name || !Number.isInteger(partitionCount)) throw new CliUsageError(`${flag} must look like name:partitions[:cg1,cg2], got "${raw}"`);
  return { name, partitionCount, consumerGroups: groups ? groups.split(',').filter(Boolean) : undefined };
}

export const EMULATOR_COMMAND = command({
  usage: 'node dist/tools/emulators/eventhubs/main.js --data-dir DIR --hub name:partitions[:cg1,cg2] [--hub …] [options]',
  options: {
    'data-dir': option('where the segment logs and checkpoints are kept', text, { placeholder: '<dir>', required: true }),
    port: option('AMQP port (0 picks a free one)', port, { default: 5672 }),
    host: option('address to listen on', text, { placeholder: '<address>', default: '127.0.0.1' }),
    'retention-hours': option('message retention of every hub', positiveNumber, { placeholder: '<hours>' }),
    hub: repeatable('an event hub, its partition count and consumer groups', Object.assign(hub, { placeholder: 'name:partitions[:cg1,cg2]' }), { required: true }),
  },
});

export function emulatorOptions(v: OptionValues<typeof EMULATOR_COMMAND.options>): EmulatorOptions {
  const retentionHours = v['retention-hours'];
  if (retentionHours !== undefined) for (const h of v.hub) h.retentionHours = retentionHours;
  return { dataDir: v['data-dir'], port: v.port, host: v.host, hubs: v.hub, retentionHours };
}

export function parseEmulatorOptions(argv: readonly string[]): EmulatorOptions {
  return emulatorOptions(parseCommandLine(EMULATOR_COMMAND, argv).values);
}
