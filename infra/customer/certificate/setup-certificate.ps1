#Requires -Modules Az.Accounts, Az.Resources
<#
.SYNOPSIS
  Customer side, auth mode certificate: app registration + service principal, a certificate whose
  PUBLIC part is uploaded to the app, the least-privilege reader role at the scope you share.
  The PEM (certificate + private key) goes to the provider; you can also let the provider create the
  key pair and send you only the public .cer (then skip New-SelfSignedCertificate and upload theirs).
.EXAMPLE
  ./setup-certificate.ps1 -SubscriptionId <sub> [-ResourceGroup rg] [-ValidMonths 12]
#>
param(
  [Parameter(Mandatory)] [string] $SubscriptionId,
  [string] $ResourceGroup,
  [string] $AppName = 'cross-tenant-collector-reader',
  [int] $ValidMonths = 12
)
$ErrorActionPreference = 'Stop'
Set-AzContext -Subscription $SubscriptionId | Out-Null
$scope = if ($ResourceGroup) { "/subscriptions/$SubscriptionId/resourceGroups/$ResourceGroup" } else { "/subscriptions/$SubscriptionId" }

$app = New-AzADApplication -DisplayName $AppName
$sp = New-AzADServicePrincipal -ApplicationId $app.AppId

# A self-signed certificate (RSA 2048, exportable) in your user store; the public part goes to the app.
$cert = New-SelfSignedCertificate -Subject "CN=$AppName" -CertStoreLocation Cert:\CurrentUser\My `
  -KeyExportPolicy Exportable -KeySpec Signature -KeyLength 2048 -NotAfter (Get-Date).AddMonths($ValidMonths)
New-AzADAppCredential -ApplicationId $app.AppId -CertValue ([Convert]::ToBase64String($cert.RawData)) `
  -StartDate $cert.NotBefore -EndDate $cert.NotAfter | Out-Null

$role = Get-Content (Join-Path $PSScriptRoot '../collector-reader-role.json') -Raw | ConvertFrom-Json
$role.AssignableScopes = @($scope)
$roleFile = New-TemporaryFile
$role | ConvertTo-Json -Depth 5 | Set-Content $roleFile
$definition = Get-AzRoleDefinition -Name $role.Name -ErrorAction SilentlyContinue
if (-not $definition) { $definition = New-AzRoleDefinition -InputFile $roleFile }
Remove-Item $roleFile
for ($i = 0; $i -lt 6; $i++) {
  try { New-AzRoleAssignment -ObjectId $sp.Id -RoleDefinitionId $definition.Id -Scope $scope | Out-Null; break }
  catch { Start-Sleep -Seconds 10 }
}

# The PEM the provider stores in Key Vault: certificate + unencrypted PKCS#8 key (PowerShell 7+).
$pem = $cert.ExportCertificatePem() + "`n" + [System.Security.Cryptography.RSACertificateExtensions]::GetRSAPrivateKey($cert).ExportPkcs8PrivateKeyPem()
$pem | Set-Content -Path ./collector.pem -NoNewline
Write-Host "Send these to your provider (collector.pem through a secure channel, then delete it):"
Write-Host "  tenantId : $((Get-AzContext).Tenant.Id)"
Write-Host "  clientId : $($app.AppId)"
Write-Host "  expires  : $($cert.NotAfter.ToString('o'))"
