// The command line of the Cosmos DB emulator process (main.ts).
import { command, flag, option, parseCommandLine, port, positiveInteger, text, type OptionValues } from '../../cli/commandLine';

export interface EmulatorOptions {
  dataDir: string;
  port: number;
  host: string;
  fsync: boolean;
  compactAfterBytes?: number;
}

export const EMULATOR_COMMAND = command({
  usage: 'node dist/tools/emulators/cosmos/main.js --data-dir DIR [options]',
  options: {
    'data-dir': option('where the journal and snapshots are kept', text, { placeholder: '<dir>', required: true }),
    port: option('HTTP port (0 picks a free one)', port, { default: 8081 }),
    host: option('address to listen on', text, { placeholder: '<address>', default: '127.0.0.1' }),
    fsync: flag('fsync every journal write (survives power loss, not only a killed process)'),
    'compact-after-bytes': option('journal size that triggers a snapshot', positiveInteger, { placeholder: '<bytes>' }),
  },
});

export function emulatorOptions(v: OptionValues<typeof EMULATOR_COMMAND.options>): EmulatorOptions {
  return { dataDir: v['data-dir'], port: v.port, host: v.host, fsync: v.fsync, compactAfterBytes: v['compact-after-bytes'] };
}

export function parseEmulatorOptions(argv: readonly string[]): EmulatorOptions {
  return emulatorOptions(parseCommandLine(EMULATOR_COMMAND, argv).values);
}
