// `node dist/tools/bicep/validateInfraCli.js [infraDir]`: prints issues, exit code 1 if any.
import * as path from 'node:path';
import { formatIssue } from './issues';
import { defaultTypesDir, validateInfra } from './validateInfra';

function main(): number {
  const infraDir = path.resolve(process.argv[2] ?? 'infra');
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

process.exitCode = main();
