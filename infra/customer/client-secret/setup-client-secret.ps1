#Requires -Modules Az.Accounts, Az.Resources
<#
.SYNOPSIS
  Customer side, auth mode clientSecret: creates an app registration + service principal in YOUR
  tenant, a client secret, the least-privilege reader role, and assigns it at the scope you share.
.EXAMPLE
  ./setup-client-secret.ps1 -SubscriptionId <sub> [-ResourceGroup rg-analytics] [-SecretMonths 12]
#>
param(
  [Parameter(Mandatory)] [string] $SubscriptionId,
  [string] $ResourceGroup,
  [string] $AppName = 'cross-tenant-collector-reader',
  [int] $SecretMonths = 12
)
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription $SubscriptionId | Out-Null
$scope = if ($ResourceGroup) { "/subscriptions/$SubscriptionId/resourceGroups/$ResourceGroup" } else { "/subscriptions/$SubscriptionId" }

# 1. The app registration and its service principal (the principal that holds the role).
$app = New-AzADApplication -DisplayName $AppName
$sp = New-AzADServicePrincipal -ApplicationId $app.AppId

# 2. The least-privilege role (reads the shared resource types and their metrics, nothing else).
$role = Get-Content (Join-Path $PSScriptRoot '../collector-reader-role.json') -Raw | ConvertFrom-Json
$role.AssignableScopes = @($scope)
$roleFile = New-TemporaryFile
$role | ConvertTo-Json -Depth 5 | Set-Content $roleFile
$definition = Get-AzRoleDefinition -Name $role.Name -ErrorAction SilentlyContinue
if (-not $definition) { $definition = New-AzRoleDefinition -InputFile $roleFile }
Remove-Item $roleFile
# Role assignments need the new principal to replicate; retry for up to a minute.
for ($i = 0; $i -lt 6; $i++) {
  try { New-AzRoleAssignment -ObjectId $sp.Id -RoleDefinitionId $definition.Id -Scope $scope | Out-Null; break }
  catch { Start-Sleep -Seconds 10 }
}

# 3. The secret. Send its VALUE (SecretText), never its ID, through a secure channel.
$secret = New-AzADAppCredential -ApplicationId $app.AppId -EndDate (Get-Date).AddMonths($SecretMonths)
Write-Host "Send these to your provider:"
Write-Host "  tenantId       : $((Get-AzContext).Tenant.Id)"
Write-Host "  clientId       : $($app.AppId)"
Write-Host "  subscriptionId : $SubscriptionId"
Write-Host "  secret expires : $($secret.EndDateTime.ToString('o'))"
Write-Host "  secret value   : (copied to your clipboard; paste it into the secure channel, not into e-mail)"
$secret.SecretText | Set-Clipboard
