// Cosmos DB for NoSQL: serverless by default (or autoscale throughput shared by the database),
// keys disabled so only Entra ID role assignments grant data access.
param accountName string
param location string
param tags object = {}
param databaseName string
param serverless bool = true

@minValue(1000)
param autoscaleMaxThroughput int = 1000

@allowed(['Continuous7Days', 'Continuous30Days'])
@description('Continuous backup (point-in-time restore) window. Continuous backup cannot be turned back to periodic.')
param continuousBackupTier string = 'Continuous7Days'

@description('Log Analytics workspace the diagnostic settings send to.')
param logAnalyticsWorkspaceId string

// Point reads and partition-scoped queries dominate; profiles and plans are read by id, so only the
// fields the code filters or sorts on are indexed there.
var containers = [
  {
    // As src/aggregation/containers.ts defines it (test/aggregation/containers.test.ts compares):
    // the exactly-once bookkeeping, rewritten on every write, is not indexed.
    name: 'aggregates'
    partitionKeyPath: '/pk'
    includedPaths: [{ path: '/*' }]
    excludedPaths: [{ path: '/applied/*' }, { path: '/appliedEnqueuedMs/*' }, { path: '/"_etag"/?' }]
    compositeIndexes: [
      [
        { path: '/kind', order: 'ascending' }
        { path: '/windowMinutes', order: 'ascending' }
        { path: '/windowStart', order: 'descending' }
      ]
    ]
  }
  {
    name: 'profiles'
    partitionKeyPath: '/userId'
    includedPaths: [
      { path: '/userId/?' }
      { path: '/kind/?' }
      { path: '/anonymous/?' }
      { path: '/lastSeen/?' }
      { path: '/firstSeen/?' }
      { path: '/events/?' }
      { path: '/totalRevenue/?' }
    ]
    excludedPaths: [{ path: '/*' }]
    compositeIndexes: []
  }
  {
    name: 'catalog'
    partitionKeyPath: '/id'
    includedPaths: [{ path: '/*' }]
    excludedPaths: [{ path: '/"_etag"/?' }]
    compositeIndexes: []
  }
  {
    // The product catalog (src/products/catalog/productStore.ts creates it the same way locally).
    name: 'products'
    partitionKeyPath: '/id'
    includedPaths: [{ path: '/*' }]
    excludedPaths: [{ path: '/"_etag"/?' }]
    compositeIndexes: []
  }
  {
    // The Personalizer-compatible API's configuration and policy documents (PersonalizerContainer).
    name: 'personalizer'
    partitionKeyPath: '/id'
    includedPaths: [{ path: '/*' }]
    excludedPaths: [{ path: '/"_etag"/?' }]
    compositeIndexes: []
  }
  {
    name: 'leads'
    partitionKeyPath: '/leadId'
    includedPaths: [{ path: '/*' }]
    excludedPaths: [{ path: '/"_etag"/?' }]
    compositeIndexes: []
  }
  {
    name: 'campaignPlans'
    partitionKeyPath: '/campaignId'
    includedPaths: [{ path: '/campaignId/?' }, { path: '/status/?' }, { path: '/updatedAt/?' }]
    excludedPaths: [{ path: '/*' }]
    compositeIndexes: []
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    // Point-in-time restore of the account or single containers to any second of the window.
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: continuousBackupTier
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = [
  for container in containers: {
    parent: database
    name: container.name
    properties: {
      resource: {
        id: container.name
        partitionKey: {
          paths: [container.partitionKeyPath]
          kind: 'Hash'
          version: 2
        }
        indexingPolicy: {
          indexingMode: 'consistent'
          automatic: true
          includedPaths: container.includedPaths
          excludedPaths: container.excludedPaths
          compositeIndexes: container.compositeIndexes
        }
      }
    }
  }
]

resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'Requests', enabled: true }]
  }
}

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
// Every container, so the app's data-plane role can be granted container by container.
output containerNames array = [for container in containers: container.name]
