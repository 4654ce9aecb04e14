// Flex Consumption (FC1) plan and the Functions app. Every connection is identity-based through
// the user-assigned identity; the app settings below are exactly the ones the code reads
// (ALL_APP_SETTING_NAMES in src/config/allSettings.ts) plus the host's own. Secrets are Key Vault
// references, resolved by the platform with the same identity (keyVaultReferenceIdentity).
// main.bicep deploys this module twice from the same package (docs/deploy.md, "Two apps"): the
// serving app (role 'serving': HTTP and Event Hub functions, read-only on the model registry) and
// the training app (role 'training': only the retraining timers, the one identity that writes
// models). Flex Consumption hosts one app per plan, so each has its own plan. The functions of the
// other role are switched off with AzureWebJobs.<function>.Disabled; the offline Bicep check
// (tools/bicep/checkModelRegistry.ts) proves the serving app can neither run a training function
// nor write models.
@allowed(['serving', 'training'])
@description('serving: every HTTP and Event Hub function, models read-only; training: only the retraining timers, models read-write.')
param role string

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
@description('Origins browsers may call the HTTP API from (exact https origins; never \'*\').')
param corsAllowedOrigins array = []

@description('Log Analytics workspace the diagnostic settings send to.')
param logAnalyticsWorkspaceId string

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
param eventHubSendTimeoutSeconds int

// Ranking (src/config/rankingSettings.ts). Values with decimals are strings: Bicep has no decimals.
@description('Vault holding the secrets the Key Vault references below point to.')
param keyVaultName string
param personalizerApiKeysSecretName string
param rankingSigningKeysSecretName string
param rankingExploration string
param rankingRewardWaitSeconds int
param rankingDefaultReward string
@allowed(['earliest', 'sum'])
param rankingRewardAggregation string
param rankingRewardMin string
param rankingRewardMax string
param recommendationClickReward string
param recommendationCartReward string
param recommendationPurchaseReward string
param rankingModelName string
param rankingModelPollSeconds int
param rankingProfileCacheSeconds int
param rankingProfileCacheEntries int
param rankingPriorsRefreshSeconds int
param rankingPriorsDays int
param rankingPriorStrength string
param catalogContainerName string
param catalogCacheSeconds int
param rankingConfigRefreshSeconds int
param offersMaxN int

// Continuous learning (src/config/trainingSettings.ts); on unless retrainEnabled is false.
param retrainEnabled bool
param modelUpdateFrequency string
param retrainMaxDecisions int
param retrainSchedule string
param retrainLookbackDays int
param retrainMinDecisions int
param retrainMinPositives int
param retrainPolicyValueMargin string
param trainingThreads string

// Product recommendations (src/config/productSettings.ts); the retraining timer runs unless productRetrainEnabled is false.
param catalogApiKeysSecretName string
// Signed user ids of the browser capture route (src/config/identitySettings.ts, docs/web-client.md).
param userTokenKeysSecretName string
// Admin key of the campaign plan route, and the HMAC keys that sign model manifests (docs/observability.md, docs/deploy.md).
param campaignApiKeysSecretName string
param modelSigningKeysSecretName string
param modelMaxBytes int
param productsContainerName string
param productModelName string
param productModelPollSeconds int
param recommendationsMaxN int
param recommendationsRankCandidates int
param productCatalogCacheSeconds int
param productRetrainEnabled bool
param productRetrainSchedule string

// Campaign optimization (src/config/campaignSettings.ts).
param campaignModelName string
param campaignModelPollSeconds int
param campaignScoringEngine string
param campaignRecommendMaxLeads int
param campaignPlanSchedule string
param campaignPlanCampaigns string
param campaignCacheSeconds int
@description('NCRONTAB schedule of the campaign model\'s retraining timer, or \'off\'.')
param campaignRetrainSchedule string
param campaignProductRevenue string
param campaignContactCost string
param campaignContactCapacity string

// 'true' in the training app: the functions only the serving app runs.
var servingFunctionsDisabled = role == 'serving' ? 'false' : 'true'

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
  // azd deploys its `api` service to the serving app and its `trainer` service to the training app (azure.yaml).
  tags: union(tags, { 'azd-service-name': role == 'serving' ? 'api' : 'trainer' })
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
    // Key Vault references resolve with the user-assigned identity (there is no system-assigned one).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      cors: {
        allowedOrigins: corsAllowedOrigins
        // The API authenticates with keys in headers, never cookies.
        supportCredentials: false
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
      EventHubSendTimeoutSeconds: string(eventHubSendTimeoutSeconds)
      // Ranking secrets: Key Vault references only, never values (latest version of each secret).
      PersonalizerApiKeys: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${personalizerApiKeysSecretName})'
      RankingSigningKeys: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${rankingSigningKeysSecretName})'
      // Ranking tuning
      RankingExploration: rankingExploration
      RankingRewardWaitSeconds: string(rankingRewardWaitSeconds)
      RankingDefaultReward: rankingDefaultReward
      RankingRewardAggregation: rankingRewardAggregation
      RankingRewardMin: rankingRewardMin
      RankingRewardMax: rankingRewardMax
      RecommendationClickReward: recommendationClickReward
      RecommendationCartReward: recommendationCartReward
      RecommendationPurchaseReward: recommendationPurchaseReward
      RankingModelName: rankingModelName
      RankingModelPollSeconds: string(rankingModelPollSeconds)
      RankingProfileCacheSeconds: string(rankingProfileCacheSeconds)
      RankingProfileCacheEntries: string(rankingProfileCacheEntries)
      RankingPriorsRefreshSeconds: string(rankingPriorsRefreshSeconds)
      RankingPriorsDays: string(rankingPriorsDays)
      RankingPriorStrength: rankingPriorStrength
      CatalogContainer: catalogContainerName
      CatalogCacheSeconds: string(catalogCacheSeconds)
      PersonalizerContainer: 'personalizer'
      RankingConfigRefreshSeconds: string(rankingConfigRefreshSeconds)
      OffersMaxN: string(offersMaxN)
      // Retraining
      RetrainSchedule: retrainSchedule
      ModelUpdateFrequency: modelUpdateFrequency
      RetrainMaxDecisions: string(retrainMaxDecisions)
      'AzureWebJobs.retrainModel.Disabled': role == 'training' && retrainEnabled ? 'false' : 'true'
      RetrainLookbackDays: string(retrainLookbackDays)
      RetrainMinDecisions: string(retrainMinDecisions)
      RetrainMinPositives: string(retrainMinPositives)
      RetrainPolicyValueMargin: retrainPolicyValueMargin
      TrainingThreads: trainingThreads
      // Product recommendations; the catalog routes' key is a Key Vault reference like the ranking secrets.
      CatalogApiKeys: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${catalogApiKeysSecretName})'
      // Browser events claim a userId only with the shop backend's signed token; others are stored as anonymous.
      UserTokenKeys: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${userTokenKeysSecretName})'
      UnverifiedUserIds: 'anonymous'
      CampaignApiKeys: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${campaignApiKeysSecretName})'
      // Models load only if their manifest's signature verifies with one of these keys.
      ModelSigningKeys: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${modelSigningKeysSecretName})'
      ModelMaxBytes: string(modelMaxBytes)
      // The serving app refuses every model write itself (and its identity is only Reader on models).
      ModelRegistryAccess: role == 'training' ? 'readwrite' : 'read'
      ProductsContainer: productsContainerName
      ProductModelName: productModelName
      ProductModelPollSeconds: string(productModelPollSeconds)
      RecommendationsMaxN: string(recommendationsMaxN)
      RecommendationsRankCandidates: string(recommendationsRankCandidates)
      ProductCatalogCacheSeconds: string(productCatalogCacheSeconds)
      ProductRetrainSchedule: productRetrainSchedule
      'AzureWebJobs.retrainProducts.Disabled': role == 'training' && productRetrainEnabled ? 'false' : 'true'
      // Campaign optimization
      CampaignModelName: campaignModelName
      CampaignModelPollSeconds: string(campaignModelPollSeconds)
      CampaignLeadsContainer: 'leads'
      CampaignPlansContainer: 'campaignPlans'
      CampaignDataContainer: 'campaign-data'
      CampaignScoringEngine: campaignScoringEngine
      CampaignRecommendMaxLeads: string(campaignRecommendMaxLeads)
      CampaignPlanSchedule: campaignPlanSchedule
      CampaignPlanCampaigns: campaignPlanCampaigns
      CampaignCacheSeconds: string(campaignCacheSeconds)
      CampaignProductRevenue: campaignProductRevenue
      CampaignContactCost: campaignContactCost
      CampaignContactCapacity: campaignContactCapacity
      CampaignRetrainSchedule: campaignRetrainSchedule
      'AzureWebJobs.campaignRetrain.Disabled': role == 'training' ? 'false' : 'true'
      // The serving functions, off in the training app (it serves nothing; test/tools/bicep checks
      // that every function in functions/ is listed here or above).
      'AzureWebJobs.captureEvents.Disabled': servingFunctionsDisabled
      'AzureWebJobs.captureServerEvents.Disabled': servingFunctionsDisabled
      'AzureWebJobs.archiveEvents.Disabled': servingFunctionsDisabled
      'AzureWebJobs.aggregateEvents.Disabled': servingFunctionsDisabled
      // Rewrites archive blobs after a Personalizer log deletion: the serving identity's archive Contributor.
      'AzureWebJobs.sweepLogDeletions.Disabled': servingFunctionsDisabled
      // Resumes the Personalizer API's offline evaluations and feature importances whose instance stopped (reads models, writes Cosmos DB).
      'AzureWebJobs.resumePersonalizerJobs.Disabled': servingFunctionsDisabled
      'AzureWebJobs.personalizerApi.Disabled': servingFunctionsDisabled
      'AzureWebJobs.offers.Disabled': servingFunctionsDisabled
      'AzureWebJobs.manageOffers.Disabled': servingFunctionsDisabled
      'AzureWebJobs.recommendations.Disabled': servingFunctionsDisabled
      'AzureWebJobs.productsSimilar.Disabled': servingFunctionsDisabled
      'AzureWebJobs.productsBoughtTogether.Disabled': servingFunctionsDisabled
      'AzureWebJobs.manageProducts.Disabled': servingFunctionsDisabled
      'AzureWebJobs.campaignRecommend.Disabled': servingFunctionsDisabled
      'AzureWebJobs.campaignPlan.Disabled': servingFunctionsDisabled
      'AzureWebJobs.campaignPlanTimer.Disabled': servingFunctionsDisabled
      'AzureWebJobs.aggregates.Disabled': servingFunctionsDisabled
      'AzureWebJobs.dashboard.Disabled': servingFunctionsDisabled
      'AzureWebJobs.dashboardStatus.Disabled': servingFunctionsDisabled
      'AzureWebJobs.dashboardAssets.Disabled': servingFunctionsDisabled
      'AzureWebJobs.health.Disabled': servingFunctionsDisabled
      'AzureWebJobs.openapi.Disabled': servingFunctionsDisabled
      CampaignRetrainFormat: 'campaign'
      CampaignPromotionMargin: '0'
    }
  }
}

// No basic (user name + password) publishing: deployments authenticate with Entra ID only (azd
// and az use it; Flex Consumption deploys from the blob container with the app identity).
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

resource appDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: app
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output name string = app.name
output id string = app.id
output defaultHostName string = app.properties.defaultHostName
output url string = 'https://${app.properties.defaultHostName}'
output principalIdentityId string = identityId
