import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckKind } from '../../../tools/bicep/issues';
import { formatIssue } from '../../../tools/bicep/issues';
import { validateInfra } from '../../../tools/bicep/validateInfra';
import { brokenCopy, infraDir, typesDir, type Edit } from './infraFixtures';

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
});

// Access policies in place of Azure RBAC (the way Key Vaults were secured before RBAC).
const ACCESS_POLICIES = `enableRbacAuthorization: false
    accessPolicies: [
      {
        tenantId: tenant().tenantId
        objectId: '00000000-0000-0000-0000-000000000000'
        permissions: {
          secrets: ['get', 'list']
        }
      }
    ]
`;

interface Defect {
  name: string;
  edits: Edit[];
  check: CheckKind;
  file: string;
  message: RegExp;
}

const defects: Defect[] = [
  {
    name: 'syntax error',
    edits: [{ file: 'app/identity.bicep', find: 'output id string = identity.id', replace: 'output id string = identity.id +' }],
    check: 'syntax',
    file: 'app/identity.bicep',
    message: /syntax error/,
  },
  {
    name: 'misspelled variable declaration: its uses are undefined',
    edits: [{ file: 'main.bicep', find: 'var resourceToken = ', replace: 'var resourceTokn = ' }],
    check: 'symbols',
    file: 'main.bicep',
    message: /"resourceToken" is not declared: .* \(did you mean "resourceTokn"\?\)/,
  },
  {
    name: 'misspelled variable declaration: the declaration is unused',
    edits: [{ file: 'main.bicep', find: 'var resourceToken = ', replace: 'var resourceTokn = ' }],
    check: 'symbols',
    file: 'main.bicep',
    message: /var resourceTokn is declared but never used/,
  },
  {
    name: 'undefined loop variable',
    edits: [{ file: 'app/cosmos.bicep', find: '    name: container.name\n', replace: '    name: containr.name\n' }],
    check: 'symbols',
    file: 'app/cosmos.bicep',
    message: /"containr" is not declared/,
  },
  {
    name: 'undefined resource symbol (existing resource renamed)',
    edits: [{ file: 'app/rbac.bicep', find: "resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' existing", replace: "resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing" }],
    check: 'symbols',
    file: 'app/rbac.bicep',
    message: /"keyVault" is not declared/,
  },
  {
    name: 'undefined module symbol',
    edits: [{ file: 'main.bicep', find: 'cosmosEndpoint: cosmos.outputs.endpoint', replace: 'cosmosEndpoint: cosmosDb.outputs.endpoint' }],
    check: 'symbols',
    file: 'main.bicep',
    message: /"cosmosDb" is not declared/,
  },
  {
    name: 'unused parameter',
    edits: [{ file: 'app/identity.bicep', find: /^param location string$/m, replace: 'param location string\nparam region string' }],
    check: 'symbols',
    file: 'app/identity.bicep',
    message: /param region is declared but never used/,
  },
  {
    name: 'unknown function',
    edits: [{ file: 'main.bicep', find: 'toLower(uniqueString(', replace: 'lowercase(uniqueString(' }],
    check: 'symbols',
    file: 'main.bicep',
    message: /unknown function "lowercase"/,
  },
  {
    name: 'unknown property',
    edits: [{ file: 'app/hostStorage.bicep', find: 'allowBlobPublicAccess: false', replace: 'allowBlobPublicAcess: false' }],
    check: 'schema',
    file: 'app/hostStorage.bicep',
    message: /unknown property "allowBlobPublicAcess" at storage\.properties/,
  },
  {
    // Microsoft.Insights types come from the repository's supplement folder, not ../shared.
    name: 'unknown property on a diagnostic setting (supplement types)',
    edits: [{ file: 'app/keyVault.bicep', find: 'workspaceId: logAnalyticsWorkspaceId', replace: 'workspaceID: logAnalyticsWorkspaceId\n    workspace: logAnalyticsWorkspaceId' }],
    check: 'schema',
    file: 'app/keyVault.bicep',
    message: /unknown property "workspace" at vaultDiagnostics\.properties/,
  },
  {
    name: 'wrong case',
    edits: [{ file: 'app/monitoring.bicep', find: 'DisableLocalAuth: true', replace: 'disableLocalAuth: true' }],
    check: 'schema',
    file: 'app/monitoring.bicep',
    message: /"disableLocalAuth" at appInsights\.properties has the wrong case, expected "DisableLocalAuth"/,
  },
  {
    name: 'read-only property set',
    edits: [{ file: 'app/cosmos.bicep', find: "databaseAccountOfferType: 'Standard'", replace: "databaseAccountOfferType: 'Standard'\n    documentEndpoint: 'https://x'" }],
    check: 'schema',
    file: 'app/cosmos.bicep',
    message: /read-only property "documentEndpoint" at account\.properties/,
  },
  {
    name: 'missing required property',
    edits: [{ file: 'app/cosmos.bicep', find: "databaseAccountOfferType: 'Standard'", replace: '' }],
    check: 'schema',
    file: 'app/cosmos.bicep',
    message: /missing required property "databaseAccountOfferType" at account\.properties/,
  },
  {
    name: 'bad enum value',
    edits: [{ file: 'app/cosmos.bicep', find: "defaultConsistencyLevel: 'Session'", replace: "defaultConsistencyLevel: 'Sessions'" }],
    check: 'schema',
    file: 'app/cosmos.bicep',
    message: /value 'Sessions' at account\.properties\.consistencyPolicy\.defaultConsistencyLevel is not allowed/,
  },
  {
    name: 'value outside an extensible enum (listed values plus string in the type definition)',
    edits: [{ file: 'app/eventHubs.bicep', find: "minimumTlsVersion: '1.2'", replace: "minimumTlsVersion: '1.7'" }],
    check: 'schema',
    file: 'app/eventHubs.bicep',
    message: /value '1\.7' at namespace\.properties\.minimumTlsVersion is not allowed \(allowed: '1\.0', '1\.1', '1\.2'\)/,
  },
  {
    name: 'bad enum value held by a variable',
    edits: [
      { file: 'app/hostStorage.bicep', find: "kind: 'StorageV2'", replace: 'kind: storageKind' },
      { file: 'app/hostStorage.bicep', find: /^resource storage /m, replace: "var storageKind = 'StorageV3'\n\nresource storage " },
    ],
    check: 'schema',
    file: 'app/hostStorage.bicep',
    message: /value 'StorageV3' at storage\.kind is not allowed \(allowed: .*\) \(from storageKind in app\/hostStorage\.bicep\)/,
  },
  {
    name: "bad enum value in a param's @allowed list, passed on through a module",
    edits: [{ file: 'main.bicep', find: "@allowed(['User', 'ServicePrincipal'])", replace: "@allowed(['User', 'Robot'])" }],
    check: 'schema',
    file: 'main.bicep',
    message: /value 'Robot' at \w+\.properties\.principalType is not allowed .* \(from deployerPrincipalType in app\/rbac\.bicep ← principalType in main\.bicep\)/,
  },
  {
    name: 'bad enum value passed as a module argument',
    edits: [{ file: 'main.bicep', find: '    deployerPrincipalType: principalType\n', replace: "    deployerPrincipalType: 'Robot'\n" }],
    check: 'schema',
    file: 'main.bicep',
    message: /value 'Robot' at \w+\.properties\.principalType is not allowed .* \(from deployerPrincipalType in app\/rbac\.bicep\)$/,
  },
  {
    name: 'bad enum in a nested child resource (type resolved through the parent)',
    edits: [{ file: 'app/hostStorage.bicep', find: "publicAccess: 'None'", replace: "publicAccess: 'Everyone'" }],
    check: 'schema',
    file: 'app/hostStorage.bicep',
    message: /'Everyone' at deploymentContainer\.properties\.publicAccess is not allowed/,
  },
  {
    name: 'parent: of the wrong type',
    edits: [{ file: 'app/dataLake.bicep', find: 'parent: blobServices\n', replace: 'parent: lake\n' }],
    check: 'schema',
    file: 'app/dataLake.bicep',
    message: /parent of archiveContainer has type Microsoft\.Storage\/storageAccounts, but .*containers needs a Microsoft\.Storage\/storageAccounts\/blobServices/,
  },
  {
    name: 'unknown property read from a resource',
    edits: [{ file: 'app/hostStorage.bicep', find: 'storage.properties.primaryEndpoints.blob', replace: 'storage.properties.primaryEndpoint.blob' }],
    check: 'schema',
    file: 'app/hostStorage.bicep',
    message: /storage\.properties has no property "primaryEndpoint" \(Microsoft\.Storage\/storageAccounts; known: /,
  },
  {
    name: 'property read from a resource in the wrong case',
    edits: [{ file: 'app/functionApp.bicep', find: 'app.properties.defaultHostName', replace: 'app.properties.DefaultHostName' }],
    check: 'schema',
    file: 'app/functionApp.bicep',
    message: /property "DefaultHostName" read from app\.properties has the wrong case, expected "defaultHostName"/,
  },
  {
    name: 'wrong apiVersion',
    edits: [{ file: 'app/identity.bicep', find: '@2023-01-31', replace: '@2019-01-31' }],
    check: 'schema',
    file: 'app/identity.bicep',
    message: /apiVersion 2019-01-31 of Microsoft\.ManagedIdentity\/userAssignedIdentities not found \(available: /,
  },
  {
    name: 'listKeys',
    edits: [{ file: 'app/hostStorage.bicep', find: 'output name string', replace: 'output key string = storage.listKeys().keys[0].value\noutput name string' }],
    check: 'rules',
    file: 'app/hostStorage.bicep',
    message: /forbidden "listKeys"/,
  },
  {
    name: 'missing module param',
    edits: [{ file: 'main.bicep', find: '    deploymentContainerName: deploymentContainerName\n', replace: '' }],
    check: 'wiring',
    file: 'main.bicep',
    message: /module hostStorage does not set required param "deploymentContainerName"/,
  },
  {
    name: 'unknown module param',
    edits: [{ file: 'main.bicep', find: '    deploymentContainerName: deploymentContainerName\n', replace: '    deploymentContainerName: deploymentContainerName\n    containerName: \'x\'\n' }],
    check: 'wiring',
    file: 'main.bicep',
    message: /module hostStorage passes "containerName", which \.\/app\/hostStorage\.bicep does not declare/,
  },
  {
    name: 'unknown module output',
    edits: [{ file: 'main.bicep', find: 'cosmos.outputs.endpoint\n', replace: 'cosmos.outputs.accountEndpoint\n' }],
    check: 'wiring',
    file: 'main.bicep',
    message: /module cosmos has no output "accountEndpoint"/,
  },
  {
    name: 'module argument of the wrong type',
    edits: [{ file: 'main.bicep', find: '    maxEventsPerRequest: maxEventsPerRequest\n', replace: "    maxEventsPerRequest: '500'\n" }],
    check: 'wiring',
    file: 'main.bicep',
    message: /module functionApp passes '500' to "maxEventsPerRequest" of \.\/app\/functionApp\.bicep: the param is declared int/,
  },
  {
    name: "module argument outside the param's @allowed values (through the caller's own @allowed param)",
    edits: [{ file: 'main.bicep', find: '@allowed([512, 2048, 4096])', replace: '@allowed([512, 1024, 2048, 4096])' }],
    check: 'wiring',
    file: 'main.bicep',
    message: /module functionApp passes 1024 to "instanceMemoryMB" of \.\/app\/functionApp\.bicep: not one of its @allowed values \(512, 2048, 4096\)/,
  },
  {
    name: "param default outside its own @allowed values",
    edits: [{ file: 'main.bicep', find: "param principalType string = 'User'", replace: "param principalType string = 'Users'" }],
    check: 'wiring',
    file: 'main.bicep',
    message: /param principalType defaults to 'Users': not one of its @allowed values \('User', 'ServicePrincipal'\)/,
  },
  {
    name: 'module output read without .outputs',
    edits: [{ file: 'main.bicep', find: 'cosmosEndpoint: cosmos.outputs.endpoint', replace: 'cosmosEndpoint: cosmos.endpoint' }],
    check: 'wiring',
    file: 'main.bicep',
    message: /module cosmos has no property "endpoint" \(a module has name and outputs\)/,
  },
  {
    name: 'parameters file mismatch (unknown parameter)',
    edits: [{ file: 'main.parameters.json', find: '"location": {', replace: '"region": {' }],
    check: 'wiring',
    file: 'main.parameters.json',
    message: /parameter "region" is not a param of main\.bicep/,
  },
  {
    name: 'parameters file mismatch (required param without value)',
    edits: [{ file: 'main.parameters.json', find: '"location": {', replace: '"region": {' }],
    check: 'wiring',
    file: 'main.parameters.json',
    message: /required param "location" of main\.bicep has no value/,
  },
  {
    name: 'missing role assignment',
    edits: [{ file: 'app/rbac.bicep', find: /resource appEventHubsReceiver [\s\S]*?\n}\n/, replace: '' }],
    check: 'rules',
    file: 'main.bicep',
    message: /missing Azure RBAC role assignment: Azure Event Hubs Data Receiver/,
  },
  {
    name: 'app role only assigned conditionally',
    edits: [{ file: 'app/rbac.bicep', find: "resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {", replace: "resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {" }],
    check: 'rules',
    file: 'app/rbac.bicep',
    message: /Monitoring Metrics Publisher is only assigned conditionally/,
  },
  {
    name: 'app Cosmos data role removed (only the optional deployer one is left)',
    edits: [{ file: 'app/cosmosRbac.bicep', find: /resource appDataContributor [\s\S]*?\n\]\n/, replace: '' }],
    check: 'rules',
    file: 'app/cosmosRbac.bicep',
    message: /Cosmos DB role Cosmos DB Built-in Data Contributor is only assigned conditionally/,
  },
  {
    name: 'missing Cosmos data role',
    edits: [{ file: 'app/cosmosRbac.bicep', find: /var dataContributorRoleId = '[^']*'/, replace: "var dataContributorRoleId = 'not-a-role'" }],
    check: 'rules',
    file: 'main.bicep',
    message: /missing Cosmos DB role assignment: Cosmos DB Built-in Data Contributor/,
  },
  {
    name: 'Power BI principal also given a writing role',
    edits: [{ file: 'app/cosmosRbac.bicep', find: '    principalId: deployerPrincipalId\n', replace: '    principalId: powerBiPrincipalId\n' }],
    check: 'rules',
    file: 'app/cosmosRbac.bicep',
    message: /principal powerBiPrincipalId has Data Reader and also a writing role/,
  },
  {
    name: 'local auth left on',
    edits: [{ file: 'app/eventHubs.bicep', find: 'disableLocalAuth: true', replace: 'disableLocalAuth: false' }],
    check: 'rules',
    file: 'app/eventHubs.bicep',
    message: /namespace \(Microsoft\.EventHub\/namespaces\) must set properties\.disableLocalAuth: true/,
  },
  {
    name: 'shared key access not disabled',
    edits: [{ file: 'app/dataLake.bicep', find: '    allowSharedKeyAccess: false\n', replace: '' }],
    check: 'rules',
    file: 'app/dataLake.bicep',
    message: /lake \(Microsoft\.Storage\/storageAccounts\) must set properties\.allowSharedKeyAccess: false/,
  },
  {
    name: 'function app without managed identity',
    edits: [{ file: 'app/functionApp.bicep', find: "type: 'UserAssigned'\n    userAssignedIdentities", replace: "type: 'None'\n    userAssignedIdentities" }],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /function app app has no managed identity/,
  },
  {
    name: 'extra app setting (local-only connection string)',
    edits: [{ file: 'app/functionApp.bicep', find: '      CosmosDatabaseName: cosmosDatabaseName\n', replace: '      CosmosDatabaseName: cosmosDatabaseName\n      CosmosDB: cosmosEndpoint\n' }],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /app setting CosmosDB is not read by the code/,
  },
  {
    name: 'missing app setting',
    edits: [{ file: 'app/functionApp.bicep', find: '      MaxRequestBytes: string(maxRequestBytes)\n', replace: '' }],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /app setting MaxRequestBytes is read by the code but not set by the template/,
  },
  {
    name: 'secret app setting set as a literal value',
    edits: [
      {
        file: 'app/functionApp.bicep',
        find: /      PersonalizerApiKeys: '@Microsoft\.KeyVault\([^\n]*\n/,
        replace: "      PersonalizerApiKeys: 'k3y-0ne,k3y-tw0'\n",
      },
    ],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /secret app setting PersonalizerApiKeys must be a Key Vault reference/,
  },
  {
    name: 'secret app setting passed in as a (secure) template parameter',
    edits: [
      {
        file: 'app/functionApp.bicep',
        find: /      RankingSigningKeys: '@Microsoft\.KeyVault\([^\n]*\n/,
        replace: '      RankingSigningKeys: rankingSigningKeysValue\n',
      },
      { file: 'app/functionApp.bicep', find: 'param offersMaxN int\n', replace: 'param offersMaxN int\n@secure()\nparam rankingSigningKeysValue string\n' },
      { file: 'main.bicep', find: 'param offersMaxN int = 50\n', replace: "param offersMaxN int = 50\n\n@secure()\nparam rankingSigningKeys string = ''\n" },
      { file: 'main.bicep', find: '    offersMaxN: offersMaxN\n', replace: '    offersMaxN: offersMaxN\n    rankingSigningKeysValue: rankingSigningKeys\n' },
    ],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /secret app setting RankingSigningKeys comes from parameter main\.bicep:rankingSigningKeys/,
  },
  {
    name: 'missing Key Vault Secrets User role for the app',
    edits: [{ file: 'app/rbac.bicep', find: /resource appKeyVaultSecretsUser [\s\S]*?\n}\n/, replace: '' }],
    check: 'rules',
    file: 'main.bicep',
    message: /missing Azure RBAC role assignment: Key Vault Secrets User \(4633458b-17de-408a-b874-0445c86b69e6\) for the app identity/,
  },
  {
    name: 'Key Vault Secrets User given to the deployer instead of the app',
    edits: [
      {
        file: 'app/rbac.bicep',
        find: /(resource appKeyVaultSecretsUser [\s\S]*?)principalId: appPrincipalId/,
        replace: '$1principalId: deployerPrincipalId',
      },
    ],
    check: 'rules',
    file: 'main.bicep',
    message: /missing Azure RBAC role assignment: Key Vault Secrets User .* for the app identity on the Key Vault/,
  },
  {
    name: 'Key Vault Secrets User for the app scoped to another resource',
    edits: [{ file: 'app/rbac.bicep', find: 'appPrincipalId, keyVaultSecretsUser)\n  scope: keyVault\n', replace: 'appPrincipalId, keyVaultSecretsUser)\n  scope: dataLake\n' }],
    check: 'rules',
    file: 'app/rbac.bicep',
    message: /Key Vault Secrets User for the app identity \(appKeyVaultSecretsUser\) must be scoped to the Key Vault, not dataLake/,
  },
  {
    name: 'Key Vault Secrets User for the app on another vault than the references name',
    edits: [{ file: 'main.bicep', find: '    keyVaultName: keyVault.outputs.name\n    trainerPrincipalId', replace: '    keyVaultName: dataLake.outputs.name\n    trainerPrincipalId' }],
    check: 'rules',
    file: 'app/rbac.bicep',
    message: /Key Vault Secrets User for the app identity \(appKeyVaultSecretsUser\) is on a different Key Vault than the one the app settings reference/,
  },
  {
    name: 'Key Vault Secrets User for the app only assigned conditionally',
    edits: [
      {
        file: 'app/rbac.bicep',
        find: "resource appKeyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {",
        replace: "resource appKeyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {",
      },
    ],
    check: 'rules',
    file: 'app/rbac.bicep',
    message: /Key Vault Secrets User for the app identity is only assigned conditionally/,
  },
  {
    name: 'Key Vault with access policies instead of RBAC (RBAC flag)',
    edits: [{ file: 'app/keyVault.bicep', find: 'enableRbacAuthorization: true\n', replace: ACCESS_POLICIES }],
    check: 'rules',
    file: 'app/keyVault.bicep',
    message: /vault \(Microsoft\.KeyVault\/vaults\) must set properties\.enableRbacAuthorization: true/,
  },
  {
    name: 'Key Vault with access policies instead of RBAC (policies)',
    edits: [{ file: 'app/keyVault.bicep', find: 'enableRbacAuthorization: true\n', replace: ACCESS_POLICIES }],
    check: 'rules',
    file: 'app/keyVault.bicep',
    message: /vault \(Microsoft\.KeyVault\/vaults\) uses access policies/,
  },
  {
    name: 'Key Vault without purge protection',
    edits: [{ file: 'app/keyVault.bicep', find: 'enablePurgeProtection: true', replace: 'enablePurgeProtection: false' }],
    check: 'rules',
    file: 'app/keyVault.bicep',
    message: /vault \(Microsoft\.KeyVault\/vaults\) must set properties\.enablePurgeProtection: true/,
  },
  {
    name: 'storage account allowing TLS 1.0',
    edits: [{ file: 'app/hostStorage.bicep', find: "minimumTlsVersion: 'TLS1_2'", replace: "minimumTlsVersion: 'TLS1_0'" }],
    check: 'rules',
    file: 'app/hostStorage.bicep',
    message: /storage \(Microsoft\.Storage\/storageAccounts\) must set properties\.minimumTlsVersion: 'TLS1_2' or 'TLS1_3' \(found 'TLS1_0'\)/,
  },
  {
    name: 'storage account allowing TLS 1.1 through a variable',
    edits: [
      { file: 'app/dataLake.bicep', find: "minimumTlsVersion: 'TLS1_2'", replace: 'minimumTlsVersion: minimumTls' },
      { file: 'app/dataLake.bicep', find: /^resource lake /m, replace: "var minimumTls = 'TLS1_1'\n\nresource lake " },
    ],
    check: 'rules',
    file: 'app/dataLake.bicep',
    message: /lake \(Microsoft\.Storage\/storageAccounts\) must set properties\.minimumTlsVersion: .* \(found 'TLS1_1'\)/,
  },
  {
    name: 'storage account without minimum TLS version (older apiVersions default to TLS 1.0)',
    edits: [{ file: 'app/hostStorage.bicep', find: "    minimumTlsVersion: 'TLS1_2'\n", replace: '' }],
    check: 'rules',
    file: 'app/hostStorage.bicep',
    message: /storage \(Microsoft\.Storage\/storageAccounts\) must set properties\.minimumTlsVersion: .* \(not set\)/,
  },
  {
    name: 'storage account accepting plain HTTP',
    edits: [{ file: 'app/dataLake.bicep', find: 'supportsHttpsTrafficOnly: true', replace: 'supportsHttpsTrafficOnly: false' }],
    check: 'rules',
    file: 'app/dataLake.bicep',
    message: /lake \(Microsoft\.Storage\/storageAccounts\) must set properties\.supportsHttpsTrafficOnly: true \(found false\)/,
  },
  {
    name: 'function app with httpsOnly: false',
    edits: [{ file: 'app/functionApp.bicep', find: 'httpsOnly: true', replace: 'httpsOnly: false' }],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /app \(Microsoft\.Web\/sites\) must set properties\.httpsOnly: true \(found false\)/,
  },
  {
    name: 'function app without httpsOnly',
    edits: [{ file: 'app/functionApp.bicep', find: '    httpsOnly: true\n', replace: '' }],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /app \(Microsoft\.Web\/sites\) must set properties\.httpsOnly: true \(not set\)/,
  },
  {
    name: 'function app accepting TLS 1.0 (siteConfig)',
    edits: [{ file: 'app/functionApp.bicep', find: "minTlsVersion: '1.2'", replace: "minTlsVersion: '1.0'" }],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /app \(Microsoft\.Web\/sites\) must set properties\.siteConfig\.minTlsVersion: '1\.2' or '1\.3' \(found '1\.0'\)/,
  },
  {
    name: 'Event Hubs namespace accepting TLS 1.1',
    edits: [{ file: 'app/eventHubs.bicep', find: "minimumTlsVersion: '1.2'", replace: "minimumTlsVersion: '1.1'" }],
    check: 'rules',
    file: 'app/eventHubs.bicep',
    message: /namespace \(Microsoft\.EventHub\/namespaces\) must set properties\.minimumTlsVersion: '1\.2' or '1\.3' \(found '1\.1'\)/,
  },
  {
    name: 'Cosmos DB account accepting TLS 1.0',
    edits: [{ file: 'app/cosmos.bicep', find: "minimalTlsVersion: 'Tls12'", replace: "minimalTlsVersion: 'Tls'" }],
    check: 'rules',
    file: 'app/cosmos.bicep',
    message: /account \(Microsoft\.DocumentDB\/databaseAccounts\) must set properties\.minimalTlsVersion: 'Tls12' or 'Tls13' \(found 'Tls'\)/,
  },
  {
    name: 'user-assigned app without keyVaultReferenceIdentity',
    edits: [{ file: 'app/functionApp.bicep', find: '    keyVaultReferenceIdentity: identityId\n', replace: '' }],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /function app app runs as a user-assigned identity but does not set properties\.keyVaultReferenceIdentity/,
  },
  {
    name: 'missing ranking app setting',
    edits: [{ file: 'app/functionApp.bicep', find: '      RankingExploration: rankingExploration\n', replace: '' }],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /app setting RankingExploration is read by the code but not set by the template/,
  },
  // ---- Data protection (checkDataProtection.ts) ----
  {
    name: 'blob soft delete turned off',
    edits: [{ file: 'app/dataLake.bicep', find: '    deleteRetentionPolicy: {\n      enabled: true', replace: '    deleteRetentionPolicy: {\n      enabled: false' }],
    check: 'rules',
    file: 'app/dataLake.bicep',
    message: /blobServices \(Microsoft\.Storage\/storageAccounts\/blobServices\) must set properties\.deleteRetentionPolicy\.enabled: true \(soft delete\)/,
  },
  {
    name: 'container soft delete left out (nested blob service of host storage)',
    edits: [{ file: 'app/hostStorage.bicep', find: /      containerDeleteRetentionPolicy: \{[\s\S]*?\n      \}\n/, replace: '' }],
    check: 'rules',
    file: 'app/hostStorage.bicep',
    message: /blobServices \(Microsoft\.Storage\/storageAccounts\/blobServices\) must set properties\.containerDeleteRetentionPolicy\.enabled: true/,
  },
  {
    name: 'storage account without a blob service (soft delete never configured)',
    edits: [
      { file: 'app/hostStorage.bicep', find: /\n  resource blobServices 'blobServices' = \{[\s\S]*?\n  \}\n/, replace: '\n' },
      { file: 'app/hostStorage.bicep', find: /resource blobDiagnostics [\s\S]*?\n}\n/, replace: '' },
    ],
    check: 'rules',
    file: 'app/hostStorage.bicep',
    message: /storage \(Microsoft\.Storage\/storageAccounts\) declares no blobServices, so blob and container soft delete stay off/,
  },
  {
    name: 'archive container without its retention policy',
    edits: [{ file: 'app/dataLake.bicep', find: /resource archiveRetention [\s\S]*?\n}\n/, replace: '' }],
    check: 'rules',
    file: 'app/dataLake.bicep',
    message: /archive container archiveContainer \(Microsoft\.Storage\/storageAccounts\/blobServices\/containers\) has no time-based retention policy/,
  },
  {
    name: 'archive retention policy behind another condition than the lock switch',
    edits: [{ file: 'app/dataLake.bicep', find: '= if (!archiveRetentionLocked) {', replace: '= if (archiveRetentionDays > 1000) {' }],
    check: 'rules',
    file: 'app/dataLake.bicep',
    message: /archiveRetention \(Microsoft\.Storage\/storageAccounts\/blobServices\/containers\/immutabilityPolicies\) is only deployed conditionally; the archive needs it always/,
  },
  {
    name: 'Cosmos DB with periodic instead of continuous backup',
    edits: [{ file: 'app/cosmos.bicep', find: /      type: 'Continuous'\n      continuousModeProperties: \{\n        tier: continuousBackupTier\n      \}/, replace: "      type: 'Periodic'" }],
    check: 'rules',
    file: 'app/cosmos.bicep',
    message: /account \(Microsoft\.DocumentDB\/databaseAccounts\) must set properties\.backupPolicy\.type: 'Continuous'/,
  },
  {
    name: 'Key Vault without a diagnostic setting',
    edits: [{ file: 'app/keyVault.bicep', find: /resource vaultDiagnostics [\s\S]*?\n}\n/, replace: '' }],
    check: 'rules',
    file: 'app/keyVault.bicep',
    message: /vault \(Microsoft\.KeyVault\/vaults\) has no diagnostic setting/,
  },
  {
    name: 'diagnostic setting of the nested blob service scoped to the account instead',
    edits: [{ file: 'app/hostStorage.bicep', find: 'scope: storage::blobServices', replace: 'scope: storage' }],
    check: 'rules',
    file: 'app/hostStorage.bicep',
    message: /blobServices \(Microsoft\.Storage\/storageAccounts\/blobServices\) has no diagnostic setting/,
  },
  {
    name: 'diagnostic setting that sends nowhere',
    edits: [{ file: 'app/eventHubs.bicep', find: '    workspaceId: logAnalyticsWorkspaceId\n', replace: '' }],
    check: 'rules',
    file: 'app/eventHubs.bicep',
    message: /namespaceDiagnostics \(Microsoft\.Insights\/diagnosticSettings\) sends nowhere/,
  },
  {
    name: 'a new resource type with no diagnostics decision',
    edits: [
      {
        file: 'app/monitoring.bicep',
        find: 'output appInsightsName string',
        replace: "resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {\n  name: guid(appInsights.id, 'workbook')\n  location: location\n  kind: 'shared'\n  properties: {\n    displayName: 'x'\n    serializedData: '{}'\n    category: 'workbook'\n  }\n}\n\noutput appInsightsName string",
      },
    ],
    check: 'rules',
    file: 'app/monitoring.bicep',
    message: /workbook \(Microsoft\.Insights\/workbooks\): no diagnostics decision for this resource type/,
  },
  {
    name: 'FTP basic publishing credentials allowed',
    edits: [{ file: 'app/functionApp.bicep', find: "  name: 'ftp'\n  properties: {\n    allow: false", replace: "  name: 'ftp'\n  properties: {\n    allow: true" }],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /ftpPublishing \(Microsoft\.Web\/sites\/basicPublishingCredentialsPolicies\) must set properties\.allow: false/,
  },
  {
    name: 'SCM basic publishing policy left out (the platform default allows it)',
    edits: [{ file: 'app/functionApp.bicep', find: /resource scmPublishing [\s\S]*?\n}\n/, replace: '' }],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /app \(Microsoft\.Web\/sites\) leaves SCM basic publishing credentials on/,
  },
  {
    name: "CORS '*' as the default of the azd parameter",
    edits: [{ file: 'main.bicep', find: "param corsAllowedOrigins string = 'https://portal.azure.com'", replace: "param corsAllowedOrigins string = 'https://portal.azure.com,*'" }],
    check: 'rules',
    file: 'app/functionApp.bicep',
    message: /app \(Microsoft\.Web\/sites\) CORS allowedOrigins can hold 'https:\/\/portal\.azure\.com,\*' \(from main\.bicep:\d+\): list exact origins, never a wildcard/,
  },
  // ---- Model registry: only the training app writes models (checkModelRegistry.ts) ----
  {
    name: 'serving identity given Storage Blob Data Contributor on the models container',
    edits: [{
      file: 'app/rbac.bicep',
      find: "  scope: modelsContainer\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReader)\n    principalId: appPrincipalId",
      replace: "  scope: modelsContainer\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)\n    principalId: appPrincipalId",
    }],
    check: 'rules',
    file: 'app/rbac.bicep',
    message: /appModelsReader: Storage Blob Data Contributor on the models container for the serving app's identity \(main\.bicep#appIdentity\)/,
  },
  {
    name: 'serving identity given a write role on models only when retraining is on (conditional is not enough)',
    edits: [{
      file: 'app/rbac.bicep',
      find: '// CampaignDataContainer (the campaign CSV input)',
      replace: "resource appModelsOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {\n  name: guid(modelsContainer.id, appPrincipalId, storageBlobDataOwner)\n  scope: modelsContainer\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)\n    principalId: appPrincipalId\n    principalType: 'ServicePrincipal'\n  }\n}\n\n// CampaignDataContainer (the campaign CSV input)",
    }],
    check: 'rules',
    file: 'app/rbac.bicep',
    message: /appModelsOwner: Storage Blob Data Owner on the models container for the serving app's identity/,
  },
  {
    name: 'training app given the serving identity (its Contributor on models then reaches the serving app)',
    edits: [{ file: 'main.bicep', find: '    trainerPrincipalId: trainerIdentity.outputs.principalId\n  }', replace: '    trainerPrincipalId: appIdentity.outputs.principalId\n  }' }],
    check: 'rules',
    file: 'app/rbac.bicep',
    message: /trainerModelsContributor: Storage Blob Data Contributor on the models container for the serving app's identity \(main\.bicep#appIdentity\)/,
  },
  {
    name: 'training module deployed as a second serving app',
    edits: [{ file: 'main.bicep', find: "    role: 'training'\n", replace: "    role: 'serving'\n" }],
    check: 'rules',
    file: 'app/rbac.bicep',
    message: /trainerModelsContributor: Storage Blob Data Contributor on the models container for the serving app's identity \(main\.bicep#trainerIdentity\)/,
  },
  {
    name: 'serving identity without Reader on the models container',
    edits: [{ file: 'app/rbac.bicep', find: "resource appModelsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {", replace: "resource appModelsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {" }],
    check: 'rules',
    file: 'main.bicep',
    message: /serving app main\.bicep#functionApp: its identity has no unconditional Storage Blob Data Reader on the models container \('models'\)/,
  },
  {
    name: 'serving app allowed to write models (ModelRegistryAccess)',
    edits: [{ file: 'app/functionApp.bicep', find: "ModelRegistryAccess: role == 'training' ? 'readwrite' : 'read'", replace: "ModelRegistryAccess: 'readwrite'" }],
    check: 'rules',
    file: 'main.bicep',
    message: /serving app main\.bicep#functionApp: ModelRegistryAccess is 'readwrite', not 'read'/,
  },
  {
    name: 'serving app write access left to a deployment parameter (cannot be shown to be read)',
    edits: [{ file: 'app/functionApp.bicep', find: "ModelRegistryAccess: role == 'training' ? 'readwrite' : 'read'", replace: "ModelRegistryAccess: retrainEnabled ? 'readwrite' : 'read'" }],
    check: 'rules',
    file: 'main.bicep',
    message: /serving app main\.bicep#functionApp: ModelRegistryAccess is not shown to be 'read'/,
  },
  {
    name: 'retrainModel enabled in the serving app (the switch no longer depends on the role)',
    edits: [{ file: 'app/functionApp.bicep', find: "'AzureWebJobs.retrainModel.Disabled': role == 'training' && retrainEnabled ? 'false' : 'true'", replace: "'AzureWebJobs.retrainModel.Disabled': retrainEnabled ? 'false' : 'true'" }],
    check: 'rules',
    file: 'main.bicep',
    message: /serving app main\.bicep#functionApp: training function retrainModel is enabled/,
  },
  {
    name: 'campaignRetrain switch left out (the timer runs in the serving app)',
    edits: [{ file: 'app/functionApp.bicep', find: "      'AzureWebJobs.campaignRetrain.Disabled': role == 'training' ? 'false' : 'true'\n", replace: '' }],
    check: 'rules',
    file: 'main.bicep',
    message: /serving app main\.bicep#functionApp: training function campaignRetrain is enabled/,
  },
  {
    name: 'training app also serving (its serving functions left on)',
    edits: [{ file: 'app/functionApp.bicep', find: "var servingFunctionsDisabled = role == 'serving' ? 'false' : 'true'", replace: "var servingFunctionsDisabled = 'false'" }],
    check: 'rules',
    file: 'main.bicep',
    message: /training app main\.bicep#trainingApp: captureEvents is not switched off/,
  },
  // ---- Data roles (checkDataRoles.ts) ----
  {
    name: 'Event Hubs Data Sender on the whole namespace',
    edits: [{ file: 'app/rbac.bicep', find: 'guid(eventHub.id, appPrincipalId, eventHubsDataSender)\n  scope: eventHub\n', replace: 'guid(eventHub.id, appPrincipalId, eventHubsDataSender)\n  scope: eventHubNamespace\n' }],
    check: 'rules',
    file: 'app/rbac.bicep',
    message: /appEventHubsSender: Azure Event Hubs Data Sender is assigned on eventHubNamespace \(Microsoft\.EventHub\/namespaces\), broader than needed/,
  },
  {
    name: 'Blob Data Contributor on the whole data lake account',
    edits: [{ file: 'app/rbac.bicep', find: 'guid(archiveContainer.id, appPrincipalId, storageBlobDataContributor)\n  scope: archiveContainer\n', replace: 'guid(archiveContainer.id, appPrincipalId, storageBlobDataContributor)\n  scope: dataLake\n' }],
    check: 'rules',
    file: 'app/rbac.bicep',
    message: /appArchiveContributor: Storage Blob Data Contributor is assigned on dataLake \(Microsoft\.Storage\/storageAccounts\), broader than needed/,
  },
  {
    name: 'Blob Data Owner on an account other than host storage',
    edits: [{ file: 'app/rbac.bicep', find: 'guid(hostStorage.id, appPrincipalId, storageBlobDataOwner)\n  scope: hostStorage\n', replace: 'guid(hostStorage.id, appPrincipalId, storageBlobDataOwner)\n  scope: dataLake\n' }],
    check: 'rules',
    file: 'app/rbac.bicep',
    message: /appHostStorageOwner: Storage Blob Data Owner is assigned on dataLake \(Microsoft\.Storage\/storageAccounts\), broader than needed/,
  },
  {
    name: 'Capture identity writing to the whole data lake',
    edits: [{ file: 'app/dataLake.bicep', find: '  scope: archiveContainer\n', replace: '  scope: lake\n' }],
    check: 'rules',
    file: 'app/dataLake.bicep',
    message: /captureBlobContributor: Storage Blob Data Contributor is assigned on lake/,
  },
  {
    name: 'Cosmos DB data role for the app on the whole account',
    edits: [{ file: 'app/cosmosRbac.bicep', find: "      scope: '${account.id}/dbs/${databaseName}/colls/${containerName}'", replace: "      scope: account.id" }],
    check: 'rules',
    file: 'app/cosmosRbac.bicep',
    message: /appDataContributor: Cosmos DB data role on account\.id covers the whole account/,
  },
  {
    name: 'Power BI reader on the whole database',
    edits: [{ file: 'app/cosmosRbac.bicep', find: /(resource powerBiDataReader[\s\S]*?)scope: '\$\{account\.id\}\/dbs\/\$\{databaseName\}\/colls\/\$\{containerName\}'/, replace: "$1scope: '${account.id}/dbs/${databaseName}'" }],
    check: 'rules',
    file: 'app/cosmosRbac.bicep',
    message: /powerBiDataReader: Cosmos DB Data Reader on .* reads every container of the database/,
  },
];

describe('each deliberate defect in a copy of infra/ is caught', () => {
  it('the untouched infra/ has none of these issues', () => {
    const issues = validateInfra({ infraDir, typesDir }).issues.map(formatIssue);
    for (const defect of defects) expect(issues.filter((i) => defect.message.test(i))).toEqual([]);
  });

  it.each(defects)('$name', (defect) => {
    const dir = brokenCopy(...defect.edits);
    copies.push(dir);
    const { issues } = validateInfra({ infraDir: dir, typesDir });
    const matching = issues.filter((issue) => defect.message.test(issue.message));
    expect(matching, issues.map(formatIssue).join('\n')).not.toEqual([]);
    expect(matching[0].check).toBe(defect.check);
    expect(matching[0].file).toBe(defect.file);
  });
});
