# Lets the collector's principal read the Microsoft Fabric Capacity Metrics app's semantic model
# (pull path). Run in YOUR tenant as a Fabric administrator who is also an admin of the app's workspace.
# Needs modules Az.Resources and MicrosoftPowerBIMgmt.
param(
  [Parameter(Mandatory)] [string] $CollectorClientId,
  [Parameter(Mandatory)] [string] $CapacityMetricsWorkspaceId
)
$ErrorActionPreference = 'Stop'
$groupName = 'ctc-fabric-readers'

# 1. A security group for the tenant settings (they are granted to groups, never to one app).
$group = Get-AzADGroup -DisplayName $groupName
if (-not $group) { $group = New-AzADGroup -DisplayName $groupName -MailNickname $groupName }
$sp = Get-AzADServicePrincipal -ApplicationId $CollectorClientId
if (-not (Get-AzADGroupMember -GroupObjectId $group.Id | Where-Object Id -eq $sp.Id)) {
  Add-AzADGroupMember -TargetGroupObjectId $group.Id -MemberObjectId $sp.Id
}

# 2. Contributor on the app's workspace (Contributor implies Build on its dataset, which executeQueries needs).
Connect-PowerBIServiceAccount | Out-Null
Add-PowerBIWorkspaceUser -Id $CapacityMetricsWorkspaceId -PrincipalType App -Identifier $sp.Id -AccessRight Contributor

Write-Host @"
3. In the Fabric Admin portal > Tenant settings, enable for security group "$groupName":
   - Developer settings > "Service principals can use Fabric APIs"
   - Integration settings > "Dataset Execute Queries REST API"
   (changes take up to 15 minutes). For capacities created outside this app's installer's admin list,
   Admin portal > Capacity settings > <capacity> > Contributor permissions: add "$groupName" too.
4. Send the provider: tenant id, workspace id $CapacityMetricsWorkspaceId (optional: it is found by name otherwise).
Revoke: Remove-AzADGroupMember -GroupObjectId $($group.Id) -MemberObjectId $($sp.Id)
"@
