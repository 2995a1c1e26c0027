#Requires -Modules Az.Accounts, Az.Resources
<#
.SYNOPSIS
  Customer side, auth mode federatedIdentity (secretless): creates the service principal of the
  provider's multi-tenant app in YOUR tenant (admin consent) and gives it the least-privilege reader
  role. No secret or certificate exists anywhere: the provider's managed identity signs in through
  the federated credential on its own app.
.EXAMPLE
  ./consent-and-assign.ps1 -ProviderAppId <client id the provider sent> -SubscriptionId <sub> [-ResourceGroup rg]
#>
param(
  [Parameter(Mandatory)] [string] $ProviderAppId,
  [Parameter(Mandatory)] [string] $SubscriptionId,
  [string] $ResourceGroup
)
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription $SubscriptionId | Out-Null
$scope = if ($ResourceGroup) { "/subscriptions/$SubscriptionId/resourceGroups/$ResourceGroup" } else { "/subscriptions/$SubscriptionId" }

# Admin consent for an app that requests no API permissions = its service principal in this tenant.
$sp = Get-AzADServicePrincipal -ApplicationId $ProviderAppId
if (-not $sp) { $sp = New-AzADServicePrincipal -ApplicationId $ProviderAppId }

$role = Get-Content (Join-Path $PSScriptRoot '../collector-reader-role.json') -Raw | ConvertFrom-Json
$role.AssignableScopes = @($scope)
$roleFile = New-TemporaryFile
$role | ConvertTo-Json -Depth 5 | Set-Content $roleFile
$definition = Get-AzRoleDefinition -Name $role.Name -ErrorAction SilentlyContinue
if (-not $definition) { $definition = New-AzRoleDefinition -InputFile $roleFile }
Remove-Item $roleFile
New-AzRoleAssignment -ObjectId $sp.Id -RoleDefinitionId $definition.Id -Scope $scope | Out-Null
Write-Host "Done. Send your tenant ID to the provider: $((Get-AzContext).Tenant.Id)"
Write-Host "Revoke at any time: Remove-AzADServicePrincipal -ObjectId $($sp.Id)"
