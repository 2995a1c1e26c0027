#!/usr/bin/env bash
# Lets the collector's principal read the Microsoft Fabric Capacity Metrics app's semantic model
# (pull path). Run in YOUR tenant as a Fabric administrator who is also an admin of the app's workspace.
# Usage: ./grant-fabric-pull.sh <collector client id> <capacity metrics workspace id>
set -euo pipefail
client_id=${1:?collector client id}
workspace_id=${2:?Capacity Metrics app workspace id (Power BI > the app workspace > URL /groups/<id>)}
group=ctc-fabric-readers

# 1. A security group for the tenant settings (they are granted to groups, never to one app).
az ad group show --group "$group" >/dev/null 2>&1 ||
  az ad group create --display-name "$group" --mail-nickname "$group" >/dev/null
sp_object_id=$(az ad sp show --id "$client_id" --query id -o tsv)
az ad group member check --group "$group" --member-id "$sp_object_id" --query value -o tsv | grep -q true ||
  az ad group member add --group "$group" --member-id "$sp_object_id"

# 2. Contributor on the app's workspace (Contributor implies Build on its dataset, which executeQueries needs).
az rest --method post --resource https://analysis.windows.net/powerbi/api \
  --url "https://api.powerbi.com/v1.0/myorg/groups/$workspace_id/users" \
  --body "{\"identifier\":\"$sp_object_id\",\"principalType\":\"App\",\"groupUserAccessRight\":\"Contributor\"}"

cat <<MSG
3. In the Fabric Admin portal > Tenant settings, enable for security group "$group":
   - Developer settings > "Service principals can use Fabric APIs"
   - Integration settings > "Dataset Execute Queries REST API"
   (changes take up to 15 minutes). For capacities created outside this app's installer's admin list,
   Admin portal > Capacity settings > <capacity> > Contributor permissions: add "$group" too.
4. Send the provider: tenant id, workspace id $workspace_id (optional: it is found by name otherwise).
Revoke: az ad group member remove --group $group --member-id $sp_object_id
MSG
