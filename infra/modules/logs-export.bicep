// The analytics export: custom tables in the Log Analytics workspace, the data collection endpoint
// and rule the app sends through (Logs Ingestion API, learn.microsoft.com/azure/azure-monitor/logs/
// logs-ingestion-api-overview). The app's right to send (Monitoring Metrics Publisher on the rule) is in rbac.bicep. The columns below are the app's
// (lib/export/export-tables.ts); test/infra/logs-export-schema.test.ts keeps both equal, and the
// rule's stream declarations use the very same arrays as the tables, so stream and table cannot drift.
param workspaceName string
param endpointName string
param ruleName string
param location string
param tags object

@minValue(4)
@maxValue(730)
@description('Days the exported tables keep their rows (interactive retention).')
param retentionInDays int = 90

// ---- export columns: begin ----
var metricsColumns = [
  { name: 'TimeGenerated', type: 'datetime' }
  { name: 'CustomerId', type: 'string' }
  { name: 'ResourceId', type: 'string' }
  { name: 'ResourceType', type: 'string' }
  { name: 'Region', type: 'string' }
  { name: 'Metric', type: 'string' }
  { name: 'Dimensions', type: 'dynamic' }
  { name: 'Interval', type: 'string' }
  { name: 'Unit', type: 'string' }
  { name: 'Average', type: 'real' }
  { name: 'Minimum', type: 'real' }
  { name: 'Maximum', type: 'real' }
  { name: 'Total', type: 'real' }
  { name: 'Count', type: 'real' }
  { name: 'Provisional', type: 'boolean' }
  { name: 'RunId', type: 'string' }
  { name: 'Attempt', type: 'int' }
  { name: 'ExportedAt', type: 'datetime' }
]

var runsColumns = [
  { name: 'TimeGenerated', type: 'datetime' }
  { name: 'CustomerId', type: 'string' }
  { name: 'Trigger', type: 'string' }
  { name: 'WindowStart', type: 'datetime' }
  { name: 'WindowEnd', type: 'datetime' }
  { name: 'Outcome', type: 'string' }
  { name: 'DatapointsWritten', type: 'long' }
  { name: 'ResourcesTotal', type: 'int' }
  { name: 'ResourcesFailed', type: 'int' }
  { name: 'ErrorStage', type: 'string' }
  { name: 'ErrorCode', type: 'string' }
  { name: 'ErrorMessage', type: 'string' }
  { name: 'Calls', type: 'int' }
  { name: 'MetricsCalls', type: 'int' }
  { name: 'ThrottledCalls', type: 'int' }
  { name: 'MetricsCost', type: 'long' }
  { name: 'HealthState', type: 'string' }
  { name: 'MustAct', type: 'string' }
  { name: 'SecretExpiry', type: 'string' }
  { name: 'SecretExpiresOn', type: 'datetime' }
  { name: 'RunId', type: 'string' }
  { name: 'Attempt', type: 'int' }
  { name: 'ExportedAt', type: 'datetime' }
]

var healthColumns = [
  { name: 'TimeGenerated', type: 'datetime' }
  { name: 'CustomerId', type: 'string' }
  { name: 'OldState', type: 'string' }
  { name: 'NewState', type: 'string' }
  { name: 'MustAct', type: 'string' }
  { name: 'Reason', type: 'string' }
  { name: 'Code', type: 'string' }
  { name: 'ConsecutiveFailures', type: 'int' }
  { name: 'SecretExpiry', type: 'string' }
  { name: 'SecretExpiresOn', type: 'datetime' }
  { name: 'DaysToExpiry', type: 'int' }
  { name: 'ExportedAt', type: 'datetime' }
]
// ---- export columns: end ----

// Table name → the rule's input stream and its columns. Custom tables end in _CL; custom streams are Custom-<name>.
var exportTables = [
  { table: 'CtcMetrics_CL', stream: 'Custom-CtcMetrics', columns: metricsColumns }
  { table: 'CtcRuns_CL', stream: 'Custom-CtcRuns', columns: runsColumns }
  { table: 'CtcHealth_CL', stream: 'Custom-CtcHealth', columns: healthColumns }
]

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

// The Logs Ingestion API needs the table to exist before the rule sends to it.
resource tables 'Microsoft.OperationalInsights/workspaces/tables@2022-10-01' = [
  for t in exportTables: {
    parent: workspace
    name: t.table
    properties: {
      plan: 'Analytics'
      retentionInDays: retentionInDays
      schema: {
        name: t.table
        columns: t.columns
      }
    }
  }
]

resource endpoint 'Microsoft.Insights/dataCollectionEndpoints@2023-03-11' = {
  name: endpointName
  location: location
  tags: tags
  properties: {
    networkAcls: { publicNetworkAccess: 'Enabled' }
  }
}

// The rule must be in the workspace's region. transformKql 'source': the app sends rows in the
// table's own shape, TimeGenerated included.
resource rule 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: ruleName
  location: location
  tags: tags
  properties: {
    dataCollectionEndpointId: endpoint.id
    streamDeclarations: {
      'Custom-CtcMetrics': { columns: metricsColumns }
      'Custom-CtcRuns': { columns: runsColumns }
      'Custom-CtcHealth': { columns: healthColumns }
    }
    destinations: {
      logAnalytics: [
        {
          name: 'fleetWorkspace'
          workspaceResourceId: workspace.id
        }
      ]
    }
    dataFlows: [
      for t in exportTables: {
        streams: [t.stream]
        destinations: ['fleetWorkspace']
        transformKql: 'source'
        outputStream: 'Custom-${t.table}'
      }
    ]
  }
  dependsOn: [tables]
}

output endpoint string = endpoint.properties.logsIngestion.endpoint
output ruleImmutableId string = rule.properties.immutableId
output ruleId string = rule.id
output ruleName string = rule.name
output metricsStream string = 'Custom-CtcMetrics'
output runsStream string = 'Custom-CtcRuns'
output healthStream string = 'Custom-CtcHealth'
