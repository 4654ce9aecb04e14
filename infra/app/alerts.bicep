// Alerts on the app's telemetry in Application Insights (workspace-based) and an availability
// test of GET /api/health. The log alerts read the structured records the app writes
// (docs/deploy.md, "Alerts", lists each record name and field; src/ emits exactly those).
param location string
param tags object = {}
param namePrefix string
param appInsightsId string
@description('Host name of the function app, e.g. func-xyz.azurewebsites.net.')
param appHostName string
@description('E-mail address alerts go to; empty = alerts fire in the portal only.')
param alertEmail string = ''

@minValue(1)
@description('Events a consumer group may be behind on one partition before the lag alert fires.')
param consumerLagThreshold int
@minValue(1)
@maxValue(100)
@description('Share of requests answered 5xx, in percent, over 15 minutes that fires the alert.')
param http5xxPercentThreshold int
@minValue(1)
@description('99th percentile of rank durations, in milliseconds, over 15 minutes that fires the alert.')
param rankP99ThresholdMs int
@description('Function names whose durations count as rank calls.')
param rankFunctionNames array
@description('Function names of the retraining timers.')
param retrainFunctionNames array
@description('Whether a retraining timer runs in the app (the "no promoted model" alert needs one).')
param retrainingScheduled bool

var withEmail = !empty(alertEmail)

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (withEmail) {
  name: '${namePrefix}-ops'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'perso-ops'
    enabled: true
    emailReceivers: [
      {
        name: 'ops'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actionGroups = withEmail ? [actionGroup.id] : []

// Each query's records: one row per observation; the rule aggregates them per window.
var lagQuery = '''
union
  (customMetrics | where name == 'eventhub.consumer_lag' | project timestamp, lag = valueMax, customDimensions),
  (traces | where tostring(customDimensions.event) == 'eventhub.consumer_lag' | project timestamp, lag = todouble(customDimensions.lag), customDimensions)
| extend consumerGroup = tostring(customDimensions.consumerGroup), partition = tostring(customDimensions.partition)
| project timestamp, consumerGroup, partition, lag
'''

var deadLetterQuery = '''
traces
| where tostring(customDimensions.event) == 'deadletter.written'
| extend deadLetters = coalesce(toint(customDimensions['count']), 1)
| project timestamp, deadLetters
'''

var http5xxQuery = '''
requests
| summarize total = count(), failed = countif(toint(resultCode) >= 500)
| where total >= 20
| extend failedPercent = 100.0 * failed / total
'''

var rankP99Query = 'requests | where name in (${join(map(rankFunctionNames, n => '\'${n}\''), ', ')}) | summarize p99 = percentile(duration, 99), calls = count() | where calls >= 20'

var retrainFailedQuery = 'union (traces | where tostring(customDimensions.event) == \'retraining.failed\' | project timestamp), (requests | where name in (${join(map(retrainFunctionNames, n => '\'${n}\''), ', ')}) and success == false | project timestamp)'

var promotedQuery = '''
traces
| where tostring(customDimensions.event) == 'model.promoted'
| project timestamp
'''

var rules = [
  {
    name: 'consumer-lag'
    description: 'A consumer group (archive, aggregate) is more than the threshold behind a partition of the events hub: a partition is stuck or the functions cannot keep up.'
    severity: 2
    query: lagQuery
    timeAggregation: 'Maximum'
    measure: 'lag'
    operator: 'GreaterThan'
    threshold: consumerLagThreshold
    dimensions: [
      { name: 'consumerGroup', operator: 'Include', values: ['*'] }
      { name: 'partition', operator: 'Include', values: ['*'] }
    ]
    frequency: 'PT5M'
    window: 'PT15M'
    enabled: true
  }
  {
    name: 'dead-letters'
    description: 'Events were written to the deadletter container (invalid or unprocessable).'
    severity: 3
    query: deadLetterQuery
    timeAggregation: 'Total'
    measure: 'deadLetters'
    operator: 'GreaterThan'
    threshold: 0
    dimensions: []
    frequency: 'PT15M'
    window: 'PT15M'
    enabled: true
  }
  {
    name: 'http-5xx-rate'
    description: 'More than the threshold share of HTTP requests answered 5xx over 15 minutes (at least 20 requests).'
    severity: 1
    query: http5xxQuery
    timeAggregation: 'Maximum'
    measure: 'failedPercent'
    operator: 'GreaterThan'
    threshold: http5xxPercentThreshold
    dimensions: []
    frequency: 'PT5M'
    window: 'PT15M'
    enabled: true
  }
  {
    name: 'rank-p99'
    description: 'The 99th percentile of rank durations is above the threshold over 15 minutes (at least 20 calls).'
    severity: 2
    query: rankP99Query
    timeAggregation: 'Maximum'
    measure: 'p99'
    operator: 'GreaterThan'
    threshold: rankP99ThresholdMs
    dimensions: []
    frequency: 'PT5M'
    window: 'PT15M'
    enabled: true
  }
  {
    name: 'retraining-failed'
    description: 'A retraining run failed (record retraining.failed, or the timer function failed).'
    severity: 2
    query: retrainFailedQuery
    timeAggregation: 'Count'
    measure: ''
    operator: 'GreaterThan'
    threshold: 0
    dimensions: []
    frequency: 'PT15M'
    window: 'PT15M'
    enabled: true
  }
  {
    name: 'no-model-promoted'
    description: 'No model was promoted for a day (record model.promoted): retraining did not run, failed, or its gate refused every candidate.'
    severity: 3
    query: promotedQuery
    timeAggregation: 'Count'
    measure: ''
    operator: 'LessThan'
    threshold: 1
    dimensions: []
    frequency: 'PT1H'
    window: 'P1D'
    enabled: retrainingScheduled
  }
]

resource logAlerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: '${namePrefix}-${rule.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: '${namePrefix}: ${rule.name}'
      description: rule.description
      severity: rule.severity
      enabled: rule.enabled
      scopes: [appInsightsId]
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: rule.timeAggregation
            metricMeasureColumn: empty(rule.measure) ? null : rule.measure
            operator: rule.operator
            threshold: rule.threshold
            dimensions: rule.dimensions
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: actionGroups
      }
    }
  }
]

// Standard availability test: GET /api/health from five regions every 5 minutes; 200 expected
// (503 = a dependency is down; the answer names which, never why).
resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: '${namePrefix}-health'
  location: location
  tags: union(tags, { 'hidden-link:${appInsightsId}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: '${namePrefix}-health'
    Name: '${namePrefix} /api/health'
    Enabled: true
    Frequency: 300
    Timeout: 30
    Kind: 'standard'
    RetryEnabled: true
    Locations: [
      { Id: 'us-va-ash-azr' }
      { Id: 'us-ca-sjc-azr' }
      { Id: 'emea-nl-ams-azr' }
      { Id: 'emea-gb-db3-azr' }
      { Id: 'apac-sg-sin-azr' }
    ]
    Request: {
      RequestUrl: 'https://${appHostName}/api/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource healthAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-health-unavailable'
  location: 'global'
  tags: tags
  properties: {
    description: 'GET /api/health failed from at least 2 of 5 test locations.'
    severity: 1
    enabled: true
    scopes: [healthTest.id, appInsightsId]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: appInsightsId
      failedLocationCount: 2
    }
    autoMitigate: true
    actions: [for id in actionGroups: { actionGroupId: id }]
  }
}

output availabilityTestName string = healthTest.name
output alertRuleNames array = [for rule in rules: '${namePrefix}-${rule.name}']
