#Requires -Modules Az.Accounts, Az.Resources
<#
.SYNOPSIS
  Customer side, auth mode lighthouse: delegates one subscription (read-only) to the provider's tenant.
.EXAMPLE
  ./deploy-lighthouse.ps1 -SubscriptionId <sub> -ProviderTenantId <tenant> -CollectorPrincipalId <object id>
#>
param(
  [Parameter(Mandatory)] [string] $SubscriptionId,
  [Parameter(Mandatory)] [string] $ProviderTenantId,
  [Parameter(Mandatory)] [string] $CollectorPrincipalId,
  [string] $Location = 'westeurope'
)
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription $SubscriptionId | Out-Null
New-AzSubscriptionDeployment -Name 'cross-tenant-collector-lighthouse' -Location $Location `
  -TemplateFile (Join-Path $PSScriptRoot 'lighthouse-delegation.json') `
  -managedByTenantId $ProviderTenantId -collectorPrincipalId $CollectorPrincipalId
Write-Host "Delegated. Revoke at any time: Get-AzManagedServicesAssignment | Remove-AzManagedServicesAssignment"
