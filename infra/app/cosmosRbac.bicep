// Cosmos DB data-plane roles (Azure RBAC roles such as Contributor grant no data access), each
// scoped to the containers its principal needs, never the whole account.
param accountName string
param databaseName string
param appPrincipalId string
@description('Containers the app reads and writes (all of the database\'s containers).')
param appContainerNames array
@description('Principal of the training app\'s identity.')
param trainerPrincipalId string
@description('Containers the training app reads and writes: the Personalizer configuration (learning settings; the learner\'s apprentice results).')
param trainerContainerNames array
@description('Object id of the deploying principal; empty = skip.')
param deployerPrincipalId string = ''
@description('Object id of the principal Power BI signs in as; empty = skip. Read-only.')
param powerBiPrincipalId string = ''
@description('Containers Power BI may read (docs/powerbi.md).')
param powerBiContainerNames array

// Built-in data-plane role definitions, same ids in every account.
var dataReaderRoleId = '00000000-0000-0000-0000-000000000001'
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' existing = {
  name: accountName
}

resource appDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = [
  for containerName in appContainerNames: {
    parent: account
    name: guid(account.id, appPrincipalId, dataContributorRoleId, containerName)
    properties: {
      roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
      principalId: appPrincipalId
      scope: '${account.id}/dbs/${databaseName}/colls/${containerName}'
    }
  }
]

resource trainerDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = [
  for containerName in trainerContainerNames: {
    parent: account
    name: guid(account.id, trainerPrincipalId, dataContributorRoleId, containerName)
    properties: {
      roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
      principalId: trainerPrincipalId
      scope: '${account.id}/dbs/${databaseName}/colls/${containerName}'
    }
  }
]

// The deployer imports catalogs, leads and campaigns into any container: database scope.
resource deployerDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = if (!empty(deployerPrincipalId)) {
  parent: account
  name: guid(account.id, deployerPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: deployerPrincipalId
    scope: '${account.id}/dbs/${databaseName}'
  }
}

// Power BI: Data Reader on exactly its containers, so it can never write nor read the rest.
resource powerBiDataReader 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = [
  for containerName in powerBiContainerNames: if (!empty(powerBiPrincipalId)) {
    parent: account
    name: guid(account.id, powerBiPrincipalId, dataReaderRoleId, containerName)
    properties: {
      roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataReaderRoleId}'
      principalId: powerBiPrincipalId
      scope: '${account.id}/dbs/${databaseName}/colls/${containerName}'
    }
  }
]
