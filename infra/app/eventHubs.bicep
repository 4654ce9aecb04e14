// Event Hubs namespace (Entra ID only), the events hub, one consumer group per reader and
// optional native Capture into the data lake's archive container.
param namespaceName string
param location string
param tags object = {}
param eventHubName string

@minValue(1)
@maxValue(32)
param partitionCount int

@minValue(1)
@maxValue(7)
param retentionDays int

param consumerGroupNames array
param enableCapture bool = false

@description('Resource id of the user-assigned identity Capture writes with; empty when Capture is off.')
param captureIdentityId string = ''
param captureStorageAccountId string
param captureContainerName string

@description('Log Analytics workspace the diagnostic settings send to.')
param logAnalyticsWorkspaceId string

// Same blob layout as the app's own archiver, so both kinds of files sit side by side.
var captureNameFormat = '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}'

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: 1
  }
  identity: enableCapture
    ? {
        type: 'UserAssigned'
        userAssignedIdentities: {
          '${captureIdentityId}': {}
        }
      }
    : {
        type: 'None'
      }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    isAutoInflateEnabled: false
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: eventHubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: retentionDays
    captureDescription: enableCapture
      ? {
          enabled: true
          encoding: 'Avro'
          intervalInSeconds: 300
          sizeLimitInBytes: 314572800
          skipEmptyArchives: true
          destination: {
            name: 'EventHubArchive.AzureBlockBlob'
            identity: {
              type: 'UserAssigned'
              userAssignedIdentity: captureIdentityId
            }
            properties: {
              storageAccountResourceId: captureStorageAccountId
              blobContainer: captureContainerName
              archiveNameFormat: captureNameFormat
            }
          }
        }
      : null
  }
}

resource consumerGroups 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = [
  for groupName in consumerGroupNames: {
    parent: hub
    name: groupName
    properties: {}
  }
]

resource namespaceDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output namespaceName string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output eventHubName string = hub.name
