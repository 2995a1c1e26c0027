// Alert rules and the fleet workbook over the analytics export's tables (logs-export.bicep). Every
// query is a file in infra/queries/, loaded verbatim: the same text runs in the alerts, the workbook
// and the README (test/infra/fleet-queries.test.ts checks each names only columns the tables have).
param workspaceId string
param location string
param tags object

@description('Action group the alerts notify; empty: alerts fire in the portal without notifying anyone.')
param actionGroupId string = ''

var actions = {
  actionGroups: empty(actionGroupId) ? [] : [actionGroupId]
}

// One log search alert per question. The query returns one row per customer or capacity that needs
// attention; each row is its own alert (dimension CustomerId), resolved when it stops being returned.
var alertRules = [
  {
    name: 'ctc-customer-needs-action'
    displayName: 'Collector: customer needs action'
    description: 'A customer whose latest run left them in actionRequired: MustAct says whether the customer (secret, role, consent) or the provider must fix it.'
    severity: 2
    frequency: 'PT15M'
    window: 'PT2H'
    query: loadTextContent('../queries/customer-needs-action.kql')
  }
  {
    name: 'ctc-secret-expiring'
    displayName: 'Collector: customer secret expires within 7 days'
    description: 'Ask the customer for a new secret and rotate it before collection stops.'
    severity: 2
    frequency: 'PT1H'
    window: 'PT2H'
    query: loadTextContent('../queries/secret-expiring.kql')
  }
  {
    name: 'ctc-capacity-throttling'
    displayName: 'Collector: Fabric or Power BI capacity throttling'
    description: 'A capacity delays or rejects work (Fabric) or is overloaded (Power BI Embedded).'
    severity: 3
    frequency: 'PT15M'
    window: 'PT1H'
    query: loadTextContent('../queries/capacity-throttling.kql')
  }
  {
    name: 'ctc-collection-gap'
    displayName: 'Collector: no data from an enabled customer for 2 windows'
    description: 'Runs stopped, or every run since failed before storing data.'
    severity: 2
    frequency: 'PT1H'
    window: 'P2D'
    query: loadTextContent('../queries/collection-gap.kql')
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in alertRules: {
    name: rule.name
    location: location
    tags: tags
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [workspaceId]
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            dimensions: [
              {
                name: 'CustomerId'
                operator: 'Include'
                values: ['*']
              }
            ]
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: actions
    }
  }
]

// The fleet view: one workbook, one panel per question.
var panels = [
  { title: 'Customers by state', query: loadTextContent('../queries/customers-by-state.kql'), visualization: 'piechart' }
  { title: 'Capacities by CU %', query: loadTextContent('../queries/capacities-by-cu.kql'), visualization: 'table' }
  {
    title: 'Throttling events this week'
    query: loadTextContent('../queries/throttled-capacities-this-week.kql')
    visualization: 'table'
  }
  { title: 'Secret expiry', query: loadTextContent('../queries/secret-expiry.kql'), visualization: 'table' }
  { title: 'Calls and cost per customer', query: loadTextContent('../queries/calls-and-cost.kql'), visualization: 'table' }
  { title: 'Whose CPU is climbing', query: loadTextContent('../queries/cpu-climbing.kql'), visualization: 'table' }
]

var workbookContent = {
  version: 'Notebook/1.0'
  items: concat(
    [
      {
        type: 1
        content: {
          json: '## Collector fleet\nCustomers, capacities and secrets across every tenant the collector reads. Data: CtcMetrics_CL, CtcRuns_CL, CtcHealth_CL.'
        }
        name: 'intro'
      }
    ],
    map(range(0, length(panels)), i => {
      type: 3
      name: 'panel${i}'
      content: {
        version: 'KqlItem/1.0'
        title: panels[i].title
        query: panels[i].query
        size: 0
        queryType: 0
        resourceType: 'microsoft.operationalinsights/workspaces'
        crossComponentResources: [workspaceId]
        visualization: panels[i].visualization
      }
    })
  )
  fallbackResourceIds: [workspaceId]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'ctc-fleet-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Collector fleet'
    category: 'workbook'
    sourceId: workspaceId
    serializedData: string(workbookContent)
  }
}

output workbookId string = workbook.id
