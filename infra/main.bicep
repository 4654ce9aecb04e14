// Whole deployment of the personalization Functions app. `azd up` runs this at subscription scope.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; part of every resource name and the azd-env-name tag.')
param environmentName string

// Regions where Flex Consumption runs (the plan of the function app); all other services exist there too.
@minLength(1)
@description('Azure region for all resources (a Flex Consumption region).')
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user or service principal (AZURE_PRINCIPAL_ID); empty = no deployer roles.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal'])
@description('Kind of principal in principalId.')
param principalType string = 'User'

@description('Object id of the Entra principal Power BI reads Cosmos DB with (read-only on the containers of docs/powerbi.md); empty = none.')
param powerBiPrincipalId string = ''

// ---- Function app sizing (Flex Consumption) ----
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Comma-separated origins (https://shop.example.com) allowed to call the HTTP API from a browser (CORS_ALLOWED_ORIGINS); never \'*\'.')
param corsAllowedOrigins string = 'https://portal.azure.com'

// ---- Data protection ----
@minValue(1)
@maxValue(365)
@description('Days deleted or overwritten blobs and deleted containers stay recoverable (both storage accounts).')
param blobSoftDeleteDays int = 14

@minValue(1)
@maxValue(146000)
@description('Days archive blobs are immutable after creation (time-based retention); at most archiveDeleteAfterDays.')
param archiveRetentionDays int = 90

@description('Set to true after locking the archive retention policy by hand (docs/deploy.md); the template then leaves it alone.')
param archiveRetentionLocked bool = false

@allowed(['Continuous7Days', 'Continuous30Days'])
@description('Cosmos DB continuous backup window (point-in-time restore).')
param cosmosContinuousBackupTier string = 'Continuous7Days'

// ---- Alerts ----
@description('E-mail address the alerts go to (ALERT_EMAIL); empty = alerts fire in the portal only.')
param alertEmail string = ''

@minValue(1)
@description('Events a consumer group may be behind on a partition before the lag alert fires.')
param consumerLagThreshold int = 10000

@minValue(1)
@maxValue(100)
param http5xxPercentThreshold int = 5

@minValue(1)
param rankP99ThresholdMs int = 500

// ---- Event Hubs ----
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@minValue(1)
@maxValue(7)
param eventHubRetentionDays int = 7

@description('Turn on Event Hubs native Capture into the archive container (off: the app archives).')
param enableEventHubCapture bool = false

// ---- Cosmos DB ----
@description('true = serverless account; false = provisioned autoscale throughput shared by the database.')
param cosmosServerless bool = true

@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

// ---- Archive lifecycle ----
@minValue(1)
param archiveCoolAfterDays int = 30

@minValue(2)
param archiveDeleteAfterDays int = 365

@minValue(1)
param deadLetterDeleteAfterDays int = 90

// ---- App tuning settings (defaults equal the code's defaults) ----
param aggregationWindowsMinutes string = '60,1440'
param maxEventsPerRequest int = 500
param maxRequestBytes int = 1048576
@minValue(1)
@maxValue(120)
@description('Longest a POST /api/events waits for Event Hubs, retries included, before answering 503.')
param eventHubSendTimeoutSeconds int = 10

// ---- Ranking tuning (src/config/rankingSettings.ts; defaults equal the code's defaults) ----
// Decimal values are strings (Bicep has no decimals); the app checks their ranges at startup.
@description('Share of rank calls that explore (epsilon-greedy), "0" to "1".')
param rankingExploration string = '0.2'

@minValue(1)
@maxValue(604800)
@description('How long after a rank call its reward or activation is accepted, in seconds.')
param rankingRewardWaitSeconds int = 600

@description('Reward the training join gives activated events that got none within the wait time.')
param rankingDefaultReward string = '0'

@allowed(['earliest', 'sum'])
param rankingRewardAggregation string = 'earliest'

param rankingRewardMin string = '0'
param rankingRewardMax string = '1'

@description('Reward a recommendation\'s decision gets from a product_view (the click) carrying its eventId as decisionId; within the reward range (decimal as a string).')
param recommendationClickReward string = '1'
@description('Reward from an add_to_cart carrying a recommendation\'s decisionId.')
param recommendationCartReward string = '1'
@description('Reward from a purchase carrying a recommendation\'s decisionId.')
param recommendationPurchaseReward string = '1'

@minLength(1)
@maxLength(63)
@description('Model registry name served (<name>/current in the models container); lower-case letters, digits, "-".')
param rankingModelName string = 'offer-ranker'

@minValue(1)
@maxValue(3600)
@description('How often each instance checks the model pointer for a new version, in seconds.')
param rankingModelPollSeconds int = 30

@minValue(0)
@maxValue(3600)
param rankingProfileCacheSeconds int = 30

@minValue(1)
@maxValue(1000000)
param rankingProfileCacheEntries int = 10000

@minValue(5)
@maxValue(86400)
param rankingPriorsRefreshSeconds int = 300

@minValue(1)
@maxValue(366)
param rankingPriorsDays int = 28

@description('Pseudo-observations of the cold-start Beta prior, 0.01 to 1000000.')
param rankingPriorStrength string = '20'

@minValue(0)
@maxValue(3600)
param catalogCacheSeconds int = 30

@minValue(1)
@maxValue(60)
@description('How often each instance re-reads the Personalizer-compatible configuration, in seconds.')
param rankingConfigRefreshSeconds int = 30

// ---- Continuous learning (src/config/trainingSettings.ts, docs/training.md) ----
@description('Continuous learning: the retrainModel timer trains, gates and promotes the ranker every modelUpdateFrequency.')
param retrainEnabled bool = true

@description('NCRONTAB schedule of the learner\'s tick, UTC, with seconds (every minute; a tick trains only when modelUpdateFrequency has passed).')
param retrainSchedule string = '0 * * * * *'

@description('Shortest time between two training runs, ISO 8601 duration (Personalizer\'s model update frequency), PT1M to P7D.')
param modelUpdateFrequency string = 'PT5M'

@description('Decisions the sliding training window aims to hold (bounds each run\'s cost as the log grows).')
@minValue(1000)
@maxValue(10000000)
param retrainMaxDecisions int = 100000

@minValue(1)
@maxValue(366)
param retrainLookbackDays int = 28

@minValue(1)
param retrainMinDecisions int = 1000

@minValue(1)
param retrainMinPositives int = 50

@description('Reward units the new model\'s estimated policy value may fall below the reference before promotion is refused.')
param retrainPolicyValueMargin string = '0.01'

@description('Threads the GBDT trainer uses (1-64); blank = min(2, cores). The model is the same for any value.')
param trainingThreads string = ''

// ---- Campaign optimization (src/config/campaignSettings.ts) ----
param campaignModelName string = 'campaign'

@minValue(1)
@maxValue(3600)
param campaignModelPollSeconds int = 30

@allowed(['trees', 'onnx'])
param campaignScoringEngine string = 'trees'

@minValue(1)
@maxValue(1000)
param campaignRecommendMaxLeads int = 1000

@description('NCRONTAB schedule (UTC) of the timer that plans campaigns; empty: no timer.')
param campaignPlanSchedule string = ''

@description('Comma-separated campaign ids the timer plans.')
param campaignPlanCampaigns string = ''

@minValue(0)
@maxValue(3600)
param campaignCacheSeconds int = 60

@description('Revenue of one conversion per product, "product=amount" pairs, * for the rest (docs/campaign.md, plans in money).')
param campaignProductRevenue string = '*=100'

@description('Cost of one contact per contact channel, "email=0.05,sms=0.2,call=5".')
param campaignContactCost string = 'email=0.05,sms=0.2,call=5'

@description('Contact capacities, e.g. "call=300/slot,email=20000/day"; empty = unlimited.')
param campaignContactCapacity string = ''

// ---- Model integrity (src/config/modelIntegritySettings.ts) ----
@description('Largest model file the app downloads and loads, in bytes (a bigger one is refused and the previous model keeps serving).')
@minValue(1024)
@maxValue(2147483648)
param modelMaxBytes int = 67108864

@description('NCRONTAB schedule (UTC, with seconds) of the campaign model\'s retraining timer (campaignRetrain), or \'off\'.')
param campaignRetrainSchedule string = '0 30 1 * * *'

@minValue(1)
@maxValue(50)
param offersMaxN int = 50

// ---- Product recommendations (src/config/productSettings.ts, docs/recommendations.md) ----
@description('Registry name of the product model (<name>/current in the models container).')
param productModelName string = 'products'

@minValue(1)
@maxValue(86400)
param productModelPollSeconds int = 60

@minValue(1)
@maxValue(200)
param recommendationsMaxN int = 50

@minValue(1)
@maxValue(500)
@description('Candidates of the product model handed to the offer ranker as the last step.')
param recommendationsRankCandidates int = 100

@minValue(0)
@maxValue(3600)
param productCatalogCacheSeconds int = 30

@description('Run the timer that retrains the product recommender (on by default).')
param productRetrainEnabled bool = true

@description('NCRONTAB schedule of the product retraining, UTC, with seconds.')
param productRetrainSchedule string = '0 30 3 * * *'

// ---- Key Vault ----
@minValue(7)
@maxValue(90)
@description('Soft-delete retention of the Key Vault in days; fixed once the vault exists (purge protection is on).')
param keyVaultSoftDeleteRetentionDays int = 90

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

var eventHubName = 'events'
var archiveConsumerGroup = 'archive'
var aggregateConsumerGroup = 'aggregate'
var cosmosDatabaseName = 'personalization'
var archiveContainerName = 'archive'
var deadLetterContainerName = 'deadletter'
var modelsContainerName = 'models'
var catalogContainerName = 'catalog'
// Cosmos DB container of the Personalizer configuration (PersonalizerContainer); the training app's only Cosmos data.
var personalizerContainerName = 'personalizer'
// Key Vault secret names (set by ops after deployment, see docs/deploy.md); same as the settings.
var personalizerApiKeysSecretName = 'PersonalizerApiKeys'
var rankingSigningKeysSecretName = 'RankingSigningKeys'
var catalogApiKeysSecretName = 'CatalogApiKeys'
var userTokenKeysSecretName = 'UserTokenKeys'
var campaignApiKeysSecretName = 'CampaignApiKeys'
var modelSigningKeysSecretName = 'ModelSigningKeys'
var productsContainerName = 'products'
var campaignDataContainerName = 'campaign-data'
// The Cosmos DB containers Power BI reads, as listed at the top of docs/powerbi.md.
var powerBiContainerNames = ['aggregates', 'campaignPlans']
// Browser origins from the comma-separated parameter; blanks dropped.
var corsOrigins = filter(map(split(corsAllowedOrigins, ','), origin => trim(origin)), origin => !empty(origin))
// Whether any retraining timer runs (in the training app): the failed-retraining and stale-model alerts are on only then.
var retrainingScheduled = retrainEnabled || productRetrainEnabled || campaignRetrainSchedule != 'off'
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${take(resourceToken, 12)}'
// The training app: the same package with only the retraining timers on, its own identity (the one
// that writes models), plan and deployment container (docs/deploy.md, "Two apps").
var trainingAppName = '${abbrs.webSitesFunctions}trainer-${resourceToken}'
var trainingDeploymentContainerName = 'trainer-package-${take(resourceToken, 12)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module appIdentity './app/identity.bicep' = {
  name: 'appIdentity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

// The training app's identity: the only app identity with write access to the models container.
module trainerIdentity './app/identity.bicep' = {
  name: 'trainerIdentity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}trainer-${resourceToken}'
    location: location
    tags: tags
  }
}

module captureIdentity './app/identity.bicep' = if (enableEventHubCapture) {
  name: 'captureIdentity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}capture-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring './app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    appInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module hostStorage './app/hostStorage.bicep' = {
  name: 'hostStorage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    trainingDeploymentContainerName: trainingDeploymentContainerName
    softDeleteRetentionDays: blobSoftDeleteDays
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

module dataLake './app/dataLake.bicep' = {
  name: 'dataLake'
  scope: rg
  params: {
    name: '${abbrs.dataLakeStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    archiveContainerName: archiveContainerName
    deadLetterContainerName: deadLetterContainerName
    modelsContainerName: modelsContainerName
    archiveCoolAfterDays: archiveCoolAfterDays
    archiveDeleteAfterDays: archiveDeleteAfterDays
    deadLetterDeleteAfterDays: deadLetterDeleteAfterDays
    campaignDataContainerName: campaignDataContainerName
    softDeleteRetentionDays: blobSoftDeleteDays
    archiveRetentionDays: archiveRetentionDays
    archiveRetentionLocked: archiveRetentionLocked
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    capturePrincipalId: enableEventHubCapture ? captureIdentity.outputs.principalId : ''
  }
}

module eventHubs './app/eventHubs.bicep' = {
  name: 'eventHubs'
  scope: rg
  params: {
    namespaceName: '${abbrs.eventHubNamespaces}${resourceToken}'
    location: location
    tags: tags
    eventHubName: eventHubName
    partitionCount: eventHubPartitionCount
    retentionDays: eventHubRetentionDays
    consumerGroupNames: [archiveConsumerGroup, aggregateConsumerGroup]
    enableCapture: enableEventHubCapture
    captureIdentityId: enableEventHubCapture ? captureIdentity.outputs.id : ''
    captureStorageAccountId: dataLake.outputs.id
    captureContainerName: archiveContainerName
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

module cosmos './app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    accountName: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    serverless: cosmosServerless
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    continuousBackupTier: cosmosContinuousBackupTier
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

module keyVault './app/keyVault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionDays
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

module functionApp './app/functionApp.bicep' = {
  name: 'functionApp'
  scope: rg
  params: {
    role: 'serving'
    planName: '${abbrs.webServerFarms}${resourceToken}'
    appName: functionAppName
    location: location
    tags: tags
    identityId: appIdentity.outputs.id
    identityClientId: appIdentity.outputs.clientId
    hostStorageAccountName: hostStorage.outputs.name
    deploymentContainerUrl: '${hostStorage.outputs.blobEndpoint}${deploymentContainerName}'
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    corsAllowedOrigins: corsOrigins
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    eventHubNamespaceFqdn: eventHubs.outputs.fullyQualifiedNamespace
    eventHubName: eventHubName
    archiveConsumerGroup: archiveConsumerGroup
    aggregateConsumerGroup: aggregateConsumerGroup
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmosDatabaseName
    archiveBlobEndpoint: dataLake.outputs.blobEndpoint
    archiveContainerName: archiveContainerName
    deadLetterContainerName: deadLetterContainerName
    modelsContainerName: modelsContainerName
    aggregationWindowsMinutes: aggregationWindowsMinutes
    maxEventsPerRequest: maxEventsPerRequest
    maxRequestBytes: maxRequestBytes
    eventHubSendTimeoutSeconds: eventHubSendTimeoutSeconds
    keyVaultName: keyVault.outputs.name
    personalizerApiKeysSecretName: personalizerApiKeysSecretName
    rankingSigningKeysSecretName: rankingSigningKeysSecretName
    rankingExploration: rankingExploration
    rankingRewardWaitSeconds: rankingRewardWaitSeconds
    rankingDefaultReward: rankingDefaultReward
    rankingRewardAggregation: rankingRewardAggregation
    rankingRewardMin: rankingRewardMin
    rankingRewardMax: rankingRewardMax
    recommendationClickReward: recommendationClickReward
    recommendationCartReward: recommendationCartReward
    recommendationPurchaseReward: recommendationPurchaseReward
    rankingModelName: rankingModelName
    rankingModelPollSeconds: rankingModelPollSeconds
    rankingProfileCacheSeconds: rankingProfileCacheSeconds
    rankingProfileCacheEntries: rankingProfileCacheEntries
    rankingPriorsRefreshSeconds: rankingPriorsRefreshSeconds
    rankingPriorsDays: rankingPriorsDays
    rankingPriorStrength: rankingPriorStrength
    catalogContainerName: catalogContainerName
    catalogCacheSeconds: catalogCacheSeconds
    rankingConfigRefreshSeconds: rankingConfigRefreshSeconds
    offersMaxN: offersMaxN
    retrainEnabled: retrainEnabled
    retrainSchedule: retrainSchedule
    modelUpdateFrequency: modelUpdateFrequency
    retrainMaxDecisions: retrainMaxDecisions
    retrainLookbackDays: retrainLookbackDays
    retrainMinDecisions: retrainMinDecisions
    retrainMinPositives: retrainMinPositives
    retrainPolicyValueMargin: retrainPolicyValueMargin
    trainingThreads: trainingThreads
    catalogApiKeysSecretName: catalogApiKeysSecretName
    userTokenKeysSecretName: userTokenKeysSecretName
    campaignApiKeysSecretName: campaignApiKeysSecretName
    modelSigningKeysSecretName: modelSigningKeysSecretName
    modelMaxBytes: modelMaxBytes
    productsContainerName: productsContainerName
    productModelName: productModelName
    productModelPollSeconds: productModelPollSeconds
    recommendationsMaxN: recommendationsMaxN
    recommendationsRankCandidates: recommendationsRankCandidates
    productCatalogCacheSeconds: productCatalogCacheSeconds
    productRetrainEnabled: productRetrainEnabled
    productRetrainSchedule: productRetrainSchedule
    campaignModelName: campaignModelName
    campaignModelPollSeconds: campaignModelPollSeconds
    campaignScoringEngine: campaignScoringEngine
    campaignRecommendMaxLeads: campaignRecommendMaxLeads
    campaignPlanSchedule: campaignPlanSchedule
    campaignPlanCampaigns: campaignPlanCampaigns
    campaignCacheSeconds: campaignCacheSeconds
    campaignRetrainSchedule: campaignRetrainSchedule
    campaignProductRevenue: campaignProductRevenue
    campaignContactCost: campaignContactCost
    campaignContactCapacity: campaignContactCapacity
  }
  // The app's roles (host storage, Key Vault Secrets User, …) exist before its settings are applied.
  dependsOn: [rbac]
}

module trainingApp './app/functionApp.bicep' = {
  name: 'trainingApp'
  scope: rg
  params: {
    role: 'training'
    planName: '${abbrs.webServerFarms}trainer-${resourceToken}'
    appName: trainingAppName
    location: location
    tags: tags
    identityId: trainerIdentity.outputs.id
    identityClientId: trainerIdentity.outputs.clientId
    hostStorageAccountName: hostStorage.outputs.name
    deploymentContainerUrl: '${hostStorage.outputs.blobEndpoint}${trainingDeploymentContainerName}'
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    instanceMemoryMB: instanceMemoryMB
    // Timers run on one instance; the lowest maximum the plan takes.
    maximumInstanceCount: 40
    // No browser calls the training app: it serves no HTTP function.
    corsAllowedOrigins: []
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
    eventHubNamespaceFqdn: eventHubs.outputs.fullyQualifiedNamespace
    eventHubName: eventHubName
    archiveConsumerGroup: archiveConsumerGroup
    aggregateConsumerGroup: aggregateConsumerGroup
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmosDatabaseName
    archiveBlobEndpoint: dataLake.outputs.blobEndpoint
    archiveContainerName: archiveContainerName
    deadLetterContainerName: deadLetterContainerName
    modelsContainerName: modelsContainerName
    aggregationWindowsMinutes: aggregationWindowsMinutes
    maxEventsPerRequest: maxEventsPerRequest
    maxRequestBytes: maxRequestBytes
    eventHubSendTimeoutSeconds: eventHubSendTimeoutSeconds
    keyVaultName: keyVault.outputs.name
    personalizerApiKeysSecretName: personalizerApiKeysSecretName
    rankingSigningKeysSecretName: rankingSigningKeysSecretName
    rankingExploration: rankingExploration
    rankingRewardWaitSeconds: rankingRewardWaitSeconds
    rankingDefaultReward: rankingDefaultReward
    rankingRewardAggregation: rankingRewardAggregation
    rankingRewardMin: rankingRewardMin
    rankingRewardMax: rankingRewardMax
    recommendationClickReward: recommendationClickReward
    recommendationCartReward: recommendationCartReward
    recommendationPurchaseReward: recommendationPurchaseReward
    rankingModelName: rankingModelName
    rankingModelPollSeconds: rankingModelPollSeconds
    rankingProfileCacheSeconds: rankingProfileCacheSeconds
    rankingProfileCacheEntries: rankingProfileCacheEntries
    rankingPriorsRefreshSeconds: rankingPriorsRefreshSeconds
    rankingPriorsDays: rankingPriorsDays
    rankingPriorStrength: rankingPriorStrength
    catalogContainerName: catalogContainerName
    catalogCacheSeconds: catalogCacheSeconds
    rankingConfigRefreshSeconds: rankingConfigRefreshSeconds
    offersMaxN: offersMaxN
    retrainEnabled: retrainEnabled
    retrainSchedule: retrainSchedule
    modelUpdateFrequency: modelUpdateFrequency
    retrainMaxDecisions: retrainMaxDecisions
    retrainLookbackDays: retrainLookbackDays
    retrainMinDecisions: retrainMinDecisions
    retrainMinPositives: retrainMinPositives
    retrainPolicyValueMargin: retrainPolicyValueMargin
    trainingThreads: trainingThreads
    catalogApiKeysSecretName: catalogApiKeysSecretName
    userTokenKeysSecretName: userTokenKeysSecretName
    campaignApiKeysSecretName: campaignApiKeysSecretName
    modelSigningKeysSecretName: modelSigningKeysSecretName
    modelMaxBytes: modelMaxBytes
    productsContainerName: productsContainerName
    productModelName: productModelName
    productModelPollSeconds: productModelPollSeconds
    recommendationsMaxN: recommendationsMaxN
    recommendationsRankCandidates: recommendationsRankCandidates
    productCatalogCacheSeconds: productCatalogCacheSeconds
    productRetrainEnabled: productRetrainEnabled
    productRetrainSchedule: productRetrainSchedule
    campaignModelName: campaignModelName
    campaignModelPollSeconds: campaignModelPollSeconds
    campaignScoringEngine: campaignScoringEngine
    campaignRecommendMaxLeads: campaignRecommendMaxLeads
    campaignPlanSchedule: campaignPlanSchedule
    campaignPlanCampaigns: campaignPlanCampaigns
    campaignCacheSeconds: campaignCacheSeconds
    campaignRetrainSchedule: campaignRetrainSchedule
    campaignProductRevenue: campaignProductRevenue
    campaignContactCost: campaignContactCost
    campaignContactCapacity: campaignContactCapacity
  }
  // The training identity's roles exist before the training app's settings are applied.
  dependsOn: [rbac]
}

module rbac './app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appPrincipalId: appIdentity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
    hostStorageAccountName: hostStorage.outputs.name
    dataLakeAccountName: dataLake.outputs.name
    eventHubNamespaceName: eventHubs.outputs.namespaceName
    eventHubName: eventHubs.outputs.eventHubName
    archiveContainerName: archiveContainerName
    deadLetterContainerName: deadLetterContainerName
    modelsContainerName: modelsContainerName
    campaignDataContainerName: campaignDataContainerName
    appInsightsName: monitoring.outputs.appInsightsName
    keyVaultName: keyVault.outputs.name
    trainerPrincipalId: trainerIdentity.outputs.principalId
  }
}

module cosmosRbac './app/cosmosRbac.bicep' = {
  name: 'cosmosRbac'
  scope: rg
  params: {
    accountName: cosmos.outputs.accountName
    databaseName: cosmosDatabaseName
    appPrincipalId: appIdentity.outputs.principalId
    appContainerNames: cosmos.outputs.containerNames
    trainerPrincipalId: trainerIdentity.outputs.principalId
    trainerContainerNames: [personalizerContainerName]
    deployerPrincipalId: principalId
    powerBiPrincipalId: powerBiPrincipalId
    powerBiContainerNames: powerBiContainerNames
  }
}

module alerts './app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    namePrefix: 'alert-${resourceToken}'
    appInsightsId: monitoring.outputs.appInsightsId
    appHostName: functionApp.outputs.defaultHostName
    alertEmail: alertEmail
    consumerLagThreshold: consumerLagThreshold
    http5xxPercentThreshold: http5xxPercentThreshold
    rankP99ThresholdMs: rankP99ThresholdMs
    rankFunctionNames: ['personalizerRank', 'offers']
    retrainFunctionNames: ['retrainModel', 'retrainProducts', 'campaignRetrain']
    retrainingScheduled: retrainingScheduled
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = functionApp.outputs.url
output AZURE_TRAINING_FUNCTION_APP_NAME string = trainingApp.outputs.name
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = appIdentity.outputs.clientId
output EVENTHUB_FULLY_QUALIFIED_NAMESPACE string = eventHubs.outputs.fullyQualifiedNamespace
output EVENTHUB_NAME string = eventHubName
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE_NAME string = cosmosDatabaseName
output ARCHIVE_BLOB_ENDPOINT string = dataLake.outputs.blobEndpoint
output ARCHIVE_STORAGE_ACCOUNT_NAME string = dataLake.outputs.name
output MODELS_CONTAINER_NAME string = modelsContainerName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_COSMOS_ACCOUNT_NAME string = cosmos.outputs.accountName
output AVAILABILITY_TEST_NAME string = alerts.outputs.availabilityTestName
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.appInsightsConnectionString
