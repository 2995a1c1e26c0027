// The collector: a Node 22 function app on Flex Consumption, running as the user-assigned
// identity, with identity-based host storage.
param name string
param planName string
param location string
param tags object

@description('Resource ID of the user-assigned managed identity.')
param identityId string
param identityClientId string

param blobEndpoint string
param queueEndpoint string
param tableEndpoint string
param deploymentContainerName string
param keyVaultUri string
param applicationInsightsConnectionString string

param collectSchedule string
param healthSweepSchedule string
param customerConcurrency int
@description('Days the access audit of calls into customer tenants is kept.')
param auditRetentionDays int = 90
@description('Hours a customer\'s discovered resource list (Azure Resource Graph) is reused before it is queried again.')
param discoveryCacheHours int = 24
@description('Customers whose credentials, secrets and metrics-access records one worker process keeps in memory (least recently used dropped).')
param customerCacheSize int = 200
param httpTimeoutSeconds int
@description('Days back a window can still be collected (Azure Monitor keeps platform metrics 93 days).')
param metricsRetentionDays int = 93
@description('Missed windows of one recovered customer queued again per scheduled run (gap healing budget).')
param backfillWindowsPerRun int = 12
@description('Token audience for Azure Storage (the customer\'s delivery storage); differs in some sovereign clouds.')
param storageAudience string = 'https://storage.azure.com'
@description('Audience of the managed identity token used as federated client assertion (api://AzureADTokenExchangeUSGov, api://AzureADTokenExchangeChina in sovereign clouds).')
param tokenExchangeAudience string = 'api://AzureADTokenExchange'

@description('Subnet for VNet integration; empty for none.')
param subnetId string

@description('Logs ingestion endpoint of the analytics export\'s data collection endpoint; empty: no export.')
param logsIngestionEndpoint string = ''
@description('Immutable id (dcr-…) of the analytics export\'s data collection rule.')
param logsIngestionRuleId string = ''

@allowed([512, 2048, 4096])
@description('Per-instance memory. The worker is I/O-bound: 2048 MB is the Flex default and leaves headroom for large customers.')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('Scale-out ceiling. Also caps how many customers are collected at once, which bounds load on storage and Key Vault.')
param maximumInstanceCount int = 40

// The Node worker's V8 heap limit. Without one V8 sizes its heap for the machine, not the instance, and lets
// garbage pile up to ~4x the live heap between full collections: the worker's live heap stays ~60 MB
// whatever the fleet (the per-customer caches are bounded by CUSTOMER_CACHE_SIZE), but its RSS reached
// ~400 MB in `npm run bench`; with a 512 MB limit V8 collects sooner (its growth factor shrinks with the
// limit) and the same run peaks near 250 MB. A quarter of the instance, at least 256 MB; `npm run bench`
// runs the product with the 2048 MB instance's value. NODE_OPTIONS is read by Node itself
// (https://nodejs.org/api/cli.html#node_optionsoptions).
var nodeHeapLimitMB = max(256, instanceMemoryMB / 4)

// ---- app settings: begin ----
// Every app setting of the function app, in one literal. test/infra checks it against
// lib/config/settings.ts (setBy 'infra'): add a setting there first, then here.
// One `NAME: value` per line, no nesting.
var appSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  AzureWebJobsStorage__queueServiceUri: queueEndpoint
  AzureWebJobsStorage__tableServiceUri: tableEndpoint
  KEY_VAULT_URL: keyVaultUri
  MANAGED_IDENTITY_CLIENT_ID: identityClientId
  COLLECT_SCHEDULE: collectSchedule
  HEALTH_SWEEP_SCHEDULE: healthSweepSchedule
  AUTHORITY_HOST: environment().authentication.loginEndpoint
  ARM_ENDPOINT: environment().resourceManager
  ARM_AUDIENCE: environment().resourceManager
  HTTP_TIMEOUT_SECONDS: string(httpTimeoutSeconds)
  CUSTOMER_CONCURRENCY: string(customerConcurrency)
  AUDIT_RETENTION_DAYS: string(auditRetentionDays)
  DISCOVERY_CACHE_HOURS: string(discoveryCacheHours)
  CUSTOMER_CACHE_SIZE: string(customerCacheSize)
  METRICS_RETENTION_DAYS: string(metricsRetentionDays)
  BACKFILL_WINDOWS_PER_RUN: string(backfillWindowsPerRun)
  STORAGE_AUDIENCE: storageAudience
  TOKEN_EXCHANGE_AUDIENCE: tokenExchangeAudience
  POWER_BI_API_URL: 'https://api.powerbi.com'
  POWER_BI_AUDIENCE: 'https://analysis.windows.net/powerbi/api'
  FABRIC_API_URL: 'https://api.fabric.microsoft.com'
  FABRIC_AUDIENCE: 'https://api.fabric.microsoft.com'
  FABRIC_LOOKBACK_MINUTES: '30'
  SERVICE_HOST_SUFFIXES: 'blob.${environment().suffixes.storage},dfs.${environment().suffixes.storage},ingest.monitor.azure.com,api.powerbi.com,api.fabric.microsoft.com'
  AZURE_MONITOR_LOOKBACK_MINUTES: '20'
  SETTLE_READ_ENABLED: 'true'
  LOGS_INGESTION_ENDPOINT: logsIngestionEndpoint
  LOGS_INGESTION_RULE_ID: logsIngestionRuleId
  LOGS_METRICS_STREAM: 'Custom-CtcMetrics'
  LOGS_RUNS_STREAM: 'Custom-CtcRuns'
  LOGS_HEALTH_STREAM: 'Custom-CtcHealth'
  METRICS_MODE: 'auto'
  METRICS_BATCH_ENDPOINT: 'https://{region}.metrics.monitor.azure.com'
  METRICS_BATCH_AUDIENCE: environment().resourceManager
  METRICS_BATCH_REPROBE_HOURS: '24'
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  NODE_OPTIONS: '--max-old-space-size=${nodeHeapLimitMB}'
}
// ---- app settings: end ----

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
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

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app to deploy to by this tag (service `api` in azure.yaml).
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
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

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }
}

output name string = app.name
output uri string = 'https://${app.properties.defaultHostName}'
