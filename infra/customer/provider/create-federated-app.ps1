#Requires -Modules Az.Accounts, Az.Resources
<#
.SYNOPSIS
  PROVIDER side, once: the multi-tenant app customers consent to, trusting the collector's
  user-assigned managed identity through a federated identity credential. Send customers its AppId.
.EXAMPLE
  ./create-federated-app.ps1 -IdentityResourceGroup rg-ctc -IdentityName id-ctc-xyz
#>
param(
  [Parameter(Mandatory)] [string] $IdentityResourceGroup,
  [Parameter(Mandatory)] [string] $IdentityName,
  [string] $AppName = 'cross-tenant-collector'
)
$ErrorActionPreference = 'Stop'
$identity = Get-AzUserAssignedIdentity -ResourceGroupName $IdentityResourceGroup -Name $IdentityName
$tenantId = (Get-AzContext).Tenant.Id
$app = New-AzADApplication -DisplayName $AppName -SignInAudience AzureADMultipleOrgs
New-AzADAppFederatedCredential -ApplicationObjectId $app.Id -Name 'collector-managed-identity' `
  -Issuer "https://login.microsoftonline.com/$tenantId/v2.0" -Subject $identity.PrincipalId `
  -Audience 'api://AzureADTokenExchange' | Out-Null
Write-Host "Multi-tenant app: $($app.AppId) -- customers run federated-identity/consent-and-assign.ps1 with it."
Write-Host "Register each with: ctc customers add <id> --auth-mode federatedIdentity --client $($app.AppId) --tenant <theirs>"
