// `node dist/tools/bicep/validateInfraCli.js [infraDir]`: prints issues, exit code 1 if any.
import * as path from 'node:path';
import { command, runCommand } from '../cli/commandLine';
import { formatIssue } from './issues';
import { defaultTypesDir, validateInfra } from './validateInfra';

const VALIDATE_COMMAND = command({
  usage: 'node dist/tools/bicep/validateInfraCli.js [infraDir]',
  summary: 'Validates infra/ offline: syntax, symbols, wiring, schema (Azure type definitions) and project rules.',
  options: {},
  positionals: [{ name: 'infraDir', help: 'folder of main.bicep (default infra)' }],
  notes: 'Exit codes: 0 no issues, 1 issues (listed on stderr), 2 the files could not be checked or bad arguments.',
});

function main(infraArg = 'infra'): number {
  const infraDir = path.resolve(infraArg);
  try {
    // Compiled to dist/tools/bicep/, three levels below the repository root.
    const repoRoot = path.resolve(__dirname, '..', '..', '..');
    const result = validateInfra({ infraDir, typesDir: defaultTypesDir(repoRoot) });
    for (const issue of result.issues) console.error(formatIssue(issue));
    console.log(`${result.files.length} files, ${result.resourceCount} resources, ${result.issues.length} issues`);
    return result.issues.length === 0 ? 0 : 1;
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
}

void runCommand(VALIDATE_COMMAND, (_options, [infraDir]) => main(infraDir));
