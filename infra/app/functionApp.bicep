// Flex Consumption (FC1) plan and the Functions app. Every connection is identity-based through
// the user-assigned identity; the app settings below are exactly the ones the code reads
// (src/config/settings.ts) plus the host's own.
param planName string
param appName string
param location string
param tags object = {}

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string
param identityClientId string

param hostStorageAccountName string
@description('Blob container URL Flex Consumption deploys the package from.')
param deploymentContainerUrl string
param appInsightsConnectionString string

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100
param corsAllowedOrigins array = []

param eventHubNamespaceFqdn string
param eventHubName string
param archiveConsumerGroup string
param aggregateConsumerGroup string
param cosmosEndpoint string
param cosmosDatabaseName string
param archiveBlobEndpoint string
param archiveContainerName string
param deadLetterContainerName string
param modelsContainerName string
param aggregationWindowsMinutes string
param maxEventsPerRequest int
param maxRequestBytes int

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      cors: {
        allowedOrigins: corsAllowedOrigins
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // Host storage and telemetry, both through the identity.
      AzureWebJobsStorage__accountName: hostStorageAccountName
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
      // Event Hubs
      EventHubConnection__fullyQualifiedNamespace: eventHubNamespaceFqdn
      EventHubConnection__credential: 'managedidentity'
      EventHubConnection__clientId: identityClientId
      EventHubName: eventHubName
      ArchiveConsumerGroup: archiveConsumerGroup
      AggregateConsumerGroup: aggregateConsumerGroup
      // Cosmos DB
      CosmosDB__accountEndpoint: cosmosEndpoint
      CosmosDB__credential: 'managedidentity'
      CosmosDB__clientId: identityClientId
      CosmosDatabaseName: cosmosDatabaseName
      // Data lake
      ArchiveStorage__blobServiceUri: archiveBlobEndpoint
      ArchiveStorage__credential: 'managedidentity'
      ArchiveStorage__clientId: identityClientId
      ArchiveContainer: archiveContainerName
      DeadLetterContainer: deadLetterContainerName
      ModelsContainer: modelsContainerName
      // Tuning
      AggregationWindowsMinutes: aggregationWindowsMinutes
      MaxEventsPerRequest: string(maxEventsPerRequest)
      MaxRequestBytes: string(maxRequestBytes)
    }
  }
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
output principalIdentityId string = identityId
