// Key Vault for the app's secrets (PersonalizerApiKeys, RankingSigningKeys, CatalogApiKeys). Azure RBAC only (no
// access policies), soft delete with purge protection. The template creates no secrets: ops set
// them with `az keyvault secret set` (docs/deploy.md) and the app reads them through Key Vault
// references resolved with its user-assigned identity.
param name string
param location string
param tags object = {}

@minValue(7)
@maxValue(90)
@description('Days a deleted vault or secret stays recoverable; fixed once the vault exists.')
param softDeleteRetentionInDays int = 90

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

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
