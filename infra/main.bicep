// Entry point for `azd provision`: one resource group with everything the collector needs.
// Subscription scope so that azd can create the resource group itself.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; feeds the resource token so every environment gets its own names.')
param environmentName string

@minLength(1)
@description('Region for all resources. It must offer the Flex Consumption plan.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object ID of the operator who deploys and manages customer secrets (azd sets AZURE_PRINCIPAL_ID). Empty: no operator role.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal', 'Group'])
@description('Kind of principal in principalId: User for a person, ServicePrincipal for a CI pipeline.')
param principalType string = 'User'

@description('NCRONTAB (6 fields) of the fan-out timer.')
param collectSchedule string = '0 0 * * * *'

@description('NCRONTAB (6 fields) of the health sweep timer (customers whose runs stopped turn stale); off the fan-out path.')
param healthSweepSchedule string = '0 30 * * * *'

@minValue(1)
@maxValue(64)
@description('Resources of one customer read in parallel.')
param customerConcurrency int = 4

@minValue(1)
@maxValue(200)
@description('Per-call timeout, in seconds, for requests into a customer tenant.')
param httpTimeoutSeconds int = 30

@description('Integrate the function app with a new virtual network (outbound traffic through a delegated subnet).')
param vnetEnabled bool = false

@description('Client ID of the operator app registration (infra/operator-app/create-operator-app.sh). Empty: no operator can be authenticated and the API answers 401.')
param operatorAppClientId string = ''

@description('Export datapoints, runs and health changes to Log Analytics (custom tables, alert rules, fleet workbook).')
param analyticsExportEnabled bool = true

@description('Resource ID of an action group the fleet alert rules notify (e-mail, Teams, ITSM). Empty: alerts fire without notifying.')
param alertActionGroupId string = ''

// A short, stable, per-environment suffix: names must be globally unique for storage, Key Vault and the app.
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-ctc-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'stctc${resourceToken}'
    location: location
    tags: tags
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: 'kv-ctc-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-ctc-${resourceToken}'
    applicationInsightsName: 'appi-ctc-${resourceToken}'
    location: location
    tags: tags
  }
}

module network 'modules/network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: rg
  params: {
    name: 'vnet-ctc-${resourceToken}'
    location: location
    tags: tags
  }
}

// The analytics export: tables, data collection endpoint and rule in the monitoring workspace.
module logsExport 'modules/logs-export.bicep' = if (analyticsExportEnabled) {
  name: 'logsExport'
  scope: rg
  params: {
    workspaceName: monitoring.outputs.logAnalyticsName
    endpointName: 'dce-ctc-${resourceToken}'
    ruleName: 'dcr-ctc-${resourceToken}'
    location: location
    tags: tags
  }
}

// Alert rules and the fleet workbook over the exported tables.
module fleetMonitoring 'modules/fleet-monitoring.bicep' = if (analyticsExportEnabled) {
  name: 'fleetMonitoring'
  scope: rg
  params: {
    workspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    location: location
    tags: tags
    actionGroupId: alertActionGroupId
  }
  // The alert queries name the export's tables, which must exist when the rules are created.
  dependsOn: [logsExport]
}

// Roles first: the app reads storage and Key Vault as soon as it starts.
module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appPrincipalId: identity.outputs.principalId
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
    dataCollectionRuleName: analyticsExportEnabled ? logsExport!.outputs.ruleName : ''
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'functionApp'
  scope: rg
  dependsOn: [rbac]
  params: {
    name: 'func-ctc-${resourceToken}'
    planName: 'asp-ctc-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    keyVaultUri: keyVault.outputs.uri
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    collectSchedule: collectSchedule
    healthSweepSchedule: healthSweepSchedule
    customerConcurrency: customerConcurrency
    httpTimeoutSeconds: httpTimeoutSeconds
    subnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
    logsIngestionEndpoint: analyticsExportEnabled ? logsExport!.outputs.endpoint : ''
    logsIngestionRuleId: analyticsExportEnabled ? logsExport!.outputs.ruleImmutableId : ''
  }
}

module operatorAuth 'modules/operator-auth.bicep' = {
  name: 'operatorAuth'
  scope: rg
  params: {
    functionAppName: functionApp.outputs.name
    operatorAppClientId: operatorAppClientId
    // The Fabric event push route authenticates with per-customer ingest keys (lib/http/fabric-handlers.ts).
    ingestKeyPaths: ['/api/customers/*/fabric-events']
  }
}

// azd reads these outputs into the environment (.azure/<env>/.env).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URL string = keyVault.outputs.uri
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
