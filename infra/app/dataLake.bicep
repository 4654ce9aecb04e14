// Data Lake Gen2 account for raw events (Avro archive), dead letters and ONNX models.
// Separate from host storage so lifecycle rules and access stay independent.
param name string
param location string
param tags object = {}
param archiveContainerName string
param deadLetterContainerName string
param modelsContainerName string

@minValue(1)
param archiveCoolAfterDays int
@minValue(2)
param archiveDeleteAfterDays int
@minValue(1)
param deadLetterDeleteAfterDays int

@description('Principal id of the Event Hubs Capture identity; empty when Capture is off.')
param capturePrincipalId string = ''

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource lake 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    isHnsEnabled: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobServices 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: lake
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  // campaign-data holds the campaign CSV input (CampaignDataContainer).
  for containerName in [archiveContainerName, deadLetterContainerName, modelsContainerName, 'campaign-data']: {
    parent: blobServices
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2025-01-01' = {
  parent: lake
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'archive-cool-then-delete'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${archiveContainerName}/']
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: archiveCoolAfterDays
                }
                delete: {
                  daysAfterModificationGreaterThan: archiveDeleteAfterDays
                }
              }
            }
          }
        }
        {
          name: 'deadletter-delete'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${deadLetterContainerName}/']
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: deadLetterDeleteAfterDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [containers]
}

// Event Hubs Capture writes with its own identity; it must hold the role before the hub enables
// Capture, which is why this assignment lives here (the hub module depends on this module).
resource captureBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(capturePrincipalId)) {
  name: guid(lake.id, capturePrincipalId, storageBlobDataContributor)
  scope: lake
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: capturePrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = lake.name
output id string = lake.id
output blobEndpoint string = lake.properties.primaryEndpoints.blob
output dfsEndpoint string = lake.properties.primaryEndpoints.dfs
