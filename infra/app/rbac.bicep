// Azure RBAC for the serving app's identity and the training app's identity (least privilege: data
// roles on the one container or hub they are for, never an account, namespace or resource group
// where a narrower scope exists) and optional roles for the deploying principal so it can upload
// models, send test events and set secrets. Only the training identity (and the deployer) can write
// models; the serving identity reads them. docs/deploy.md lists every role, principal and scope.
@description('Principal of the serving app\'s identity (HTTP and Event Hub functions).')
param appPrincipalId string
@description('Principal of the training app\'s identity (the retraining timers): the one app identity that writes models.')
param trainerPrincipalId string
@description('Object id of the deploying principal; empty = skip its roles.')
param deployerPrincipalId string = ''
@allowed(['User', 'ServicePrincipal'])
param deployerPrincipalType string = 'User'

param hostStorageAccountName string
param dataLakeAccountName string
param archiveContainerName string
param deadLetterContainerName string
param modelsContainerName string
param campaignDataContainerName string
param eventHubNamespaceName string
param eventHubName string
param appInsightsName string
param keyVaultName string

var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageBlobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
var eventHubsDataSender = '2b629674-e913-4c01-ae53-ef4638d8f975'
var eventHubsDataReceiver = 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
var withDeployer = !empty(deployerPrincipalId)

resource hostStorage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: hostStorageAccountName
}

resource dataLake 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: dataLakeAccountName
}

resource lakeBlobs 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' existing = {
  parent: dataLake
  name: 'default'
}

resource archiveContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: lakeBlobs
  name: archiveContainerName
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: lakeBlobs
  name: deadLetterContainerName
}

resource modelsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: lakeBlobs
  name: modelsContainerName
}

resource campaignDataContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' existing = {
  parent: lakeBlobs
  name: campaignDataContainerName
}

resource eventHubNamespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubNamespaceName
}

resource eventHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = {
  parent: eventHubNamespace
  name: eventHubName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

// Host storage is the one account-wide data role: the Functions host creates its own containers
// (azure-webjobs-hosts, -secrets, Event Hubs checkpoints) there, and Flex Consumption reads the
// package from the deployment container. No app data lives in this account.
resource appHostStorageOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, appPrincipalId, storageBlobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The archiver appends raw events; training reads them back.
resource appArchiveContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(archiveContainer.id, appPrincipalId, storageBlobDataContributor)
  scope: archiveContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appDeadLetterContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deadLetterContainer.id, appPrincipalId, storageBlobDataContributor)
  scope: deadLetterContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Serving only reads the model registry: the ranker, the recommenders and the campaign scorer
// load models, and the Personalizer API exports them. Every function of an app can use every
// identity the app has (and a disabled function still runs when called with the master key), so
// the retraining timers live in the training app, whose identity alone writes models.
resource appModelsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(modelsContainer.id, appPrincipalId, storageBlobDataReader)
  scope: modelsContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReader)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// CampaignDataContainer (the campaign CSV input) is an app setting: read-only; importing is an ops task.
resource appCampaignDataReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(campaignDataContainer.id, appPrincipalId, storageBlobDataReader)
  scope: campaignDataContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReader)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appEventHubsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(eventHub.id, appPrincipalId, eventHubsDataSender)
  scope: eventHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appEventHubsReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(eventHub.id, appPrincipalId, eventHubsDataReceiver)
  scope: eventHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataReceiver)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, appPrincipalId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Reads secret values (Key Vault references in the app settings); cannot list, set or delete them.
// Vault scope, not per secret: the secrets are created after the deployment (postprovision hook).
resource appKeyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, appPrincipalId, keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// ---- The training app's identity: the retraining timers ----

// Its own Functions host state (timer schedules and locks) and its package in the deployment container.
resource trainerHostStorageOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, trainerPrincipalId, storageBlobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: trainerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Registers, signs and promotes models, and keeps the continuous learner's state beside them.
resource trainerModelsContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(modelsContainer.id, trainerPrincipalId, storageBlobDataContributor)
  scope: modelsContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: trainerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Training reads the logged decisions, rewards and purchases from the archive; it never writes there.
resource trainerArchiveReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(archiveContainer.id, trainerPrincipalId, storageBlobDataReader)
  scope: archiveContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReader)
    principalId: trainerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// campaignRetrain reads the campaign input (leads, campaigns).
resource trainerCampaignDataReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(campaignDataContainer.id, trainerPrincipalId, storageBlobDataReader)
  scope: campaignDataContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReader)
    principalId: trainerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource trainerMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, trainerPrincipalId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: trainerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The training app's settings hold the same Key Vault references (ModelSigningKeys signs what it registers).
resource trainerKeyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, trainerPrincipalId, keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: trainerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// ---- The deploying principal (optional) ----

// Deploys the packages to the deployment containers and inspects host state.
resource deployerHostStorageOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {
  name: guid(hostStorage.id, deployerPrincipalId, storageBlobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

// The deployer trains and promotes models (npm run train), imports history into the archive and
// uploads campaign input: Contributor on exactly those containers; dead letters it only reads.
resource deployerModelsContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {
  name: guid(modelsContainer.id, deployerPrincipalId, storageBlobDataContributor)
  scope: modelsContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

resource deployerArchiveContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {
  name: guid(archiveContainer.id, deployerPrincipalId, storageBlobDataContributor)
  scope: archiveContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

resource deployerCampaignDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {
  name: guid(campaignDataContainer.id, deployerPrincipalId, storageBlobDataContributor)
  scope: campaignDataContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

resource deployerDeadLetterReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {
  name: guid(deadLetterContainer.id, deployerPrincipalId, storageBlobDataReader)
  scope: deadLetterContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReader)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

resource deployerEventHubsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {
  name: guid(eventHub.id, deployerPrincipalId, eventHubsDataSender)
  scope: eventHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', eventHubsDataSender)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

// Lets the deployer's postprovision hook create missing secrets and ops rotate them.
resource deployerKeyVaultSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {
  name: guid(keyVault.id, deployerPrincipalId, keyVaultSecretsOfficer)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficer)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}
