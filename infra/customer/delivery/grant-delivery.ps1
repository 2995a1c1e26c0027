# Customer side, optional: let the collector write its snapshots into a container of YOUR storage account.
# Creates the container (if missing) and grants the collector's principal Storage Blob Data Contributor on
# that container only. Owner/Contributor would not do: they grant no blob data access.
# Usage: ./grant-delivery.ps1 -SubscriptionId <id> -StorageAccount <name> -Container <name> -PrincipalObjectId <object-id>
#   PrincipalObjectId: (Get-AzADServicePrincipal -ApplicationId <client-id>).Id
param(
  [Parameter(Mandatory)] [string] $SubscriptionId,
  [Parameter(Mandatory)] [string] $StorageAccount,
  [Parameter(Mandatory)] [string] $Container,
  [Parameter(Mandatory)] [string] $PrincipalObjectId
)
$ErrorActionPreference = 'Stop'

Set-AzContext -Subscription $SubscriptionId | Out-Null
$account = Get-AzStorageAccount | Where-Object StorageAccountName -eq $StorageAccount
if (-not $account) { throw "Storage account $StorageAccount not found in subscription $SubscriptionId" }
$context = New-AzStorageContext -StorageAccountName $StorageAccount -UseConnectedAccount
if (-not (Get-AzStorageContainer -Name $Container -Context $context -ErrorAction SilentlyContinue)) {
  New-AzStorageContainer -Name $Container -Context $context | Out-Null
}
New-AzRoleAssignment -ObjectId $PrincipalObjectId -RoleDefinitionName 'Storage Blob Data Contributor' `
  -Scope "$($account.Id)/blobServices/default/containers/$Container" | Out-Null

Write-Host 'Send these to your provider:'
Write-Host "  blobServiceUrl : https://$StorageAccount.blob.core.windows.net"
Write-Host "  container      : $Container"
