import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_SETTING_NAMES } from '../../../src/config/allSettings';
import { RETRAIN_FUNCTION_NAME } from '../../../src/config/trainingSettings';
import { PRODUCT_RETRAIN_FUNCTION_NAME } from '../../../src/training/products/retrainProducts';
import { azureAppSettingNames, TRAINING_FUNCTION_NAMES } from '../../../tools/bicep/appSettingClasses';
import { AzureTypes } from '../../../tools/bicep/azureTypes';
import { loadInfraProject } from '../../../tools/bicep/infraProject';
import { formatIssue } from '../../../tools/bicep/issues';
import { syntaxIssues } from '../../../tools/bicep/parseBicep';
import { validateInfra } from '../../../tools/bicep/validateInfra';
import { infraDir, repoRoot, typesDir } from './infraFixtures';

describe('infra/ as committed', () => {
  it('finds the pinned Azure type definitions (../shared/azure-types)', () => {
    // Fails, never skips, when the folder is missing: the schema check would be meaningless.
    expect(fs.existsSync(typesDir), `Azure type definitions missing at ${typesDir}`).toBe(true);
    expect(() => AzureTypes.load(typesDir)).not.toThrow();
  });

  it('parses every .bicep file without ERROR or MISSING nodes', () => {
    const project = loadInfraProject(infraDir);
    expect([...project.files.keys()]).toEqual(
      expect.arrayContaining(['main.bicep', 'app/functionApp.bicep', 'app/rbac.bicep', 'app/cosmosRbac.bicep', 'app/keyVault.bicep']),
    );
    for (const source of project.files.values()) {
      expect(syntaxIssues(source.tree, source.file).map(formatIssue)).toEqual([]);
    }
  });

  it('passes symbols, wiring, schema and project rules (transport security included) with no issues', () => {
    const result = validateInfra({ infraDir, typesDir });
    expect(result.issues.map(formatIssue)).toEqual([]);
    expect(result.files.length).toBeGreaterThanOrEqual(10);
    expect(result.resourceCount).toBeGreaterThan(30);
  });

  it('sets every setting the code reads, secrets only as Key Vault references, and keeps secrets out of parameters', () => {
    const app = fs.readFileSync(path.join(infraDir, 'app', 'functionApp.bicep'), 'utf8');
    // Names with dots (AzureWebJobs.<fn>.Disabled) are quoted keys in Bicep.
    const quoted = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${name.replace(/\./g, '\\.')}'`);
    for (const name of azureAppSettingNames()) expect(app).toMatch(new RegExp(`^\\s+${quoted(name)}: `, 'm'));
    for (const name of SECRET_SETTING_NAMES) {
      expect(app).toMatch(new RegExp(`^\\s+${name}: '@Microsoft\\.KeyVault\\(VaultName=\\$\\{keyVaultName\\};SecretName=`, 'm'));
    }
    expect(app).toMatch(/keyVaultReferenceIdentity: identityId/);
    // No secret values or secret parameters anywhere in the deployment inputs.
    const params = JSON.parse(fs.readFileSync(path.join(infraDir, 'main.parameters.json'), 'utf8'));
    expect(Object.keys(params.parameters).filter((name) => /key|secret|password/i.test(name))).toEqual([]);
    const main = fs.readFileSync(path.join(infraDir, 'main.bicep'), 'utf8');
    expect(main).not.toMatch(/@secure\(\)/);
    expect(main).toMatch(/^output AZURE_KEY_VAULT_NAME /m);
    // The ranking code reads the `catalog` container (pk /id); campaign code uses leads and campaignPlans.
    const cosmos = fs.readFileSync(path.join(infraDir, 'app', 'cosmos.bicep'), 'utf8');
    for (const [name, pk] of [['catalog', '/id'], ['leads', '/leadId'], ['campaignPlans', '/campaignId']]) {
      expect(cosmos).toMatch(new RegExp(`name: '${name}'\\s+partitionKeyPath: '${pk}'`));
    }
    expect(main).toContain("var catalogContainerName = 'catalog'");
    // Power BI reads exactly aggregates and campaignPlans (docs/powerbi.md), both real containers,
    // and never the personal data in profiles or leads.
    const powerBi = /^var powerBiContainerNames = \[([^\]]*)\]$/m.exec(main)?.[1].split(',').map((n) => n.trim().replace(/'/g, ''));
    expect(powerBi).toEqual(['aggregates', 'campaignPlans']);
    for (const name of powerBi ?? []) expect(cosmos).toMatch(new RegExp(`name: '${name}'\\s+partitionKeyPath: `));
  });

  it('fails with a clear message when the type definitions are missing', () => {
    expect(() => validateInfra({ infraDir, typesDir: path.join(repoRoot, 'no-such-types') })).toThrow(
      /Azure type definitions not found at .*no-such-types/,
    );
  });

  it('has azd wiring: azure.yaml service api and parameters with azd substitutions', () => {
    const yaml = fs.readFileSync(path.join(repoRoot, 'azure.yaml'), 'utf8');
    expect(yaml).toMatch(/services:\s*\n\s+api:/);
    expect(yaml).toMatch(/host:\s*function/);
    // The training app is a second azd service from the same package (docs/deploy.md, "Two apps").
    const services = yaml.slice(yaml.indexOf('\nservices:\n'));
    const block = (name: string) => services.slice(services.indexOf(`\n  ${name}:\n`) + 1).split(/\n  (?=[a-z]+:\n)/)[0];
    for (const name of ['api', 'trainer']) {
      const text = block(name);
      expect(text, name).toMatch(new RegExp(`^  ${name}:\\n    project: \\.\\n`));
      for (const line of ['host: function', 'dist: .deploy/app', 'remoteBuild: false', 'run: npm run --silent deploy:package']) expect(text, name).toContain(line);
    }
    const params = JSON.parse(fs.readFileSync(path.join(infraDir, 'main.parameters.json'), 'utf8'));
    expect(params.parameters.environmentName.value).toBe('${AZURE_ENV_NAME}');
    expect(params.parameters.location.value).toBe('${AZURE_LOCATION}');
    expect(params.parameters.principalId.value).toBe('${AZURE_PRINCIPAL_ID}');
    // CORS origins are an azd parameter (CORS_ALLOWED_ORIGINS) passed to the function app.
    expect(params.parameters.corsAllowedOrigins.value).toBe('${CORS_ALLOWED_ORIGINS=https://portal.azure.com}');
    expect(params.parameters.powerBiPrincipalId.value).toBe('${POWERBI_PRINCIPAL_ID=}');
    const main = fs.readFileSync(path.join(infraDir, 'main.bicep'), 'utf8');
    expect(main).toContain('    corsAllowedOrigins: corsOrigins\n');
    // azd offers `location` as a region picker, limited to Flex Consumption regions.
    const location = main.slice(main.indexOf('@allowed([\n  \'australiaeast\''), main.indexOf('param location string'));
    expect(location).toMatch(/@metadata\(\{\n  azd: \{\n    type: 'location'\n  \}\n\}\)\n$/);
    for (const region of ['eastus', 'swedencentral', 'westeurope', 'australiaeast']) expect(location).toContain(`'${region}'`);
    for (const output of ['AZURE_LOCATION', 'AZURE_TENANT_ID', 'RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'FUNCTION_APP_URL']) {
      expect(main).toMatch(new RegExp(`^output ${output} `, 'm'));
    }
    expect(main).toContain("'azd-env-name': environmentName");
    expect(fs.readFileSync(path.join(infraDir, 'app', 'functionApp.bicep'), 'utf8')).toContain("'azd-service-name': role == 'serving' ? 'api' : 'trainer'");
    expect(main).toMatch(/^module functionApp '\.\/app\/functionApp\.bicep' = \{\n  name: 'functionApp'\n  scope: rg\n  params: \{\n    role: 'serving'\n/m);
    expect(main).toMatch(/^module trainingApp '\.\/app\/functionApp\.bicep' = \{\n  name: 'trainingApp'\n  scope: rg\n  params: \{\n    role: 'training'\n/m);
    expect(main).toMatch(/^output AZURE_TRAINING_FUNCTION_APP_NAME /m);
  });

  it('switches every function of functions/ by role, and the training functions are exactly those that record retraining runs', () => {
    const functionsDir = path.join(repoRoot, 'functions');
    const registered = new Map<string, string>();
    for (const file of fs.readdirSync(functionsDir).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(functionsDir, file), 'utf8');
      // Names registered through a constant: the constants themselves, so a rename cannot leave this test behind.
      const constants: Record<string, string> = { RETRAIN_FUNCTION_NAME, PRODUCT_RETRAIN_FUNCTION_NAME };
      for (const m of text.matchAll(/app\.(?:http|eventHub|timer)\((?:'([^']+)'|([A-Z_]+)),/g)) registered.set(m[1] ?? constants[m[2]], text);
    }
    expect(registered.size).toBeGreaterThanOrEqual(20);
    expect([...registered.keys()].filter((name) => name === undefined)).toEqual([]);
    const training = [...registered].filter(([, text]) => text.includes('withRetrainRecords(')).map(([name]) => name).sort();
    expect(training).toEqual([...TRAINING_FUNCTION_NAMES].sort());

    const app = fs.readFileSync(path.join(infraDir, 'app', 'functionApp.bicep'), 'utf8');
    const switches = new Map([...app.matchAll(/^ {6}'AzureWebJobs\.([A-Za-z]+)\.Disabled': (.+)$/gm)].map((m) => [m[1], m[2]]));
    expect([...switches.keys()].sort()).toEqual([...registered.keys()].sort());
    for (const [name, value] of switches) {
      if (TRAINING_FUNCTION_NAMES.includes(name)) expect(value, name).toMatch(/^role == 'training'( && \w+)? \? 'false' : 'true'$/);
      else expect(value, name).toBe('servingFunctionsDisabled');
    }
  });
});
