// Key Vault for the app's secrets (SECRET_SETTING_NAMES of src/config/allSettings.ts). Azure RBAC
// only (no access policies), soft delete with purge protection. The template creates no secrets:
// azd's postprovision hook (tools/deploy/ensureSecrets.ts) creates the missing ones and never
// overwrites one; the app reads them through Key Vault references resolved with its
// user-assigned identity.
param name string
param location string
param tags object = {}

@minValue(7)
@maxValue(90)
@description('Days a deleted vault or secret stays recoverable; fixed once the vault exists.')
param softDeleteRetentionInDays int = 90

@description('Log Analytics workspace the diagnostic settings send to (AuditEvent: who read or set a secret).')
param logAnalyticsWorkspaceId string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
