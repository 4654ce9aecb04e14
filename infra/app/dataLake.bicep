// Data Lake Gen2 account for raw events (Avro archive), dead letters, ONNX models and the campaign
// input. Separate from host storage so lifecycle rules and access stay independent. Data
// protection: blob and container soft delete, and a time-based retention (WORM) policy on the
// archive, so raw events cannot be changed or deleted before archiveRetentionDays.
param name string
param location string
param tags object = {}
param archiveContainerName string
param deadLetterContainerName string
param modelsContainerName string
param campaignDataContainerName string

@minValue(1)
param archiveCoolAfterDays int
@minValue(2)
param archiveDeleteAfterDays int
@minValue(1)
param deadLetterDeleteAfterDays int

@minValue(1)
@maxValue(365)
@description('Days a deleted or overwritten blob, and a deleted container, stays recoverable.')
param softDeleteRetentionDays int = 14

@minValue(1)
@maxValue(146000)
@description('Days after creation during which archive blobs cannot be modified or deleted (time-based retention).')
param archiveRetentionDays int = 90

@description('true once the archive policy was locked by hand (docs/deploy.md): a locked policy can only be extended, with az, so the template no longer declares it.')
param archiveRetentionLocked bool = false

@description('Log Analytics workspace the diagnostic settings send to.')
param logAnalyticsWorkspaceId string

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
  properties: {
    // Soft delete of blobs and of whole containers (blob versioning is not available with a
    // hierarchical namespace, so soft delete is the undo for an overwrite or delete).
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
  }
}

resource archiveContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobServices
  name: archiveContainerName
  properties: {
    publicAccess: 'None'
  }
}

// WORM: archive blobs cannot be modified or deleted for archiveRetentionDays after creation. The
// archiver (and Event Hubs Capture) add blocks to the window's blob and never rewrite committed
// ones, which allowProtectedAppendWritesAll permits. Left unlocked by the template: locking is
// irreversible (docs/deploy.md, "Data protection and restore"); after locking, archiveRetentionLocked.
resource archiveRetention 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2025-01-01' = if (!archiveRetentionLocked) {
  parent: archiveContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: archiveRetentionDays
    allowProtectedAppendWritesAll: true
  }
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobServices
  name: deadLetterContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource modelsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobServices
  name: modelsContainerName
  properties: {
    publicAccess: 'None'
  }
}

// The campaign CSV input (CampaignDataContainer).
resource campaignDataContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobServices
  name: campaignDataContainerName
  properties: {
    publicAccess: 'None'
  }
}

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
  dependsOn: [archiveContainer, deadLetterContainer]
}

// Account-level metrics; the blob service below carries the read/write/delete logs.
resource lakeDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: lake
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobServices
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

// Event Hubs Capture writes with its own identity, only into the archive container; it must hold
// the role before the hub enables Capture, which is why this assignment lives here (the hub
// module depends on this module).
resource captureBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(capturePrincipalId)) {
  name: guid(archiveContainer.id, capturePrincipalId, storageBlobDataContributor)
  scope: archiveContainer
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
