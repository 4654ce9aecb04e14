// Cosmos DB data-plane roles (Azure RBAC roles such as Contributor grant no data access).
param accountName string
param databaseName string
param appPrincipalId string
@description('Object id of the deploying principal; empty = skip.')
param deployerPrincipalId string = ''
@description('Object id of the principal Power BI signs in as; empty = skip. Read-only.')
param powerBiPrincipalId string = ''
@description('Container Power BI may read.')
param powerBiContainerName string

// Built-in data-plane role definitions, same ids in every account.
var dataReaderRoleId = '00000000-0000-0000-0000-000000000001'
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' existing = {
  name: accountName
}

resource appDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = {
  parent: account
  name: guid(account.id, appPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: appPrincipalId
    scope: '${account.id}/dbs/${databaseName}'
  }
}

resource deployerDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = if (!empty(deployerPrincipalId)) {
  parent: account
  name: guid(account.id, deployerPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
    principalId: deployerPrincipalId
    scope: '${account.id}/dbs/${databaseName}'
  }
}

// Power BI: Data Reader on the aggregates container only, so it can never write.
resource powerBiDataReader 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = if (!empty(powerBiPrincipalId)) {
  parent: account
  name: guid(account.id, powerBiPrincipalId, dataReaderRoleId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataReaderRoleId}'
    principalId: powerBiPrincipalId
    scope: '${account.id}/dbs/${databaseName}/colls/${powerBiContainerName}'
  }
}
