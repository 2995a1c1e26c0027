#!/usr/bin/env bash
# Creates the operator app registration App Service Authentication validates tokens for, with the two app
# roles the collector's routes check, and prints the client id for `azd env set OPERATOR_APP_CLIENT_ID`.
# Then assign roles: az ad app ... or the portal (Enterprise applications → Users and groups); for automation
# assign an app role to a service principal or managed identity (allowedMemberTypes includes Application).
# Usage: create-operator-app.sh <display-name>
set -euo pipefail
name="${1:?usage: create-operator-app.sh <display-name>}"
roles=$(cat <<JSON
[
  {"allowedMemberTypes": ["User", "Application"], "displayName": "Collector reader",
   "description": "Read metrics, resource state, health, the dashboard and both audits.",
   "value": "Collector.Reader", "isEnabled": true, "id": "$(uuidgen)"},
  {"allowedMemberTypes": ["User", "Application"], "displayName": "Collector admin",
   "description": "Onboard, rotate secrets, remove, collect and test customers (and read).",
   "value": "Collector.Admin", "isEnabled": true, "id": "$(uuidgen)"}
]
JSON
)
app_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg \
  --app-roles "$roles" --query appId -o tsv)
az ad app update --id "$app_id" --identifier-uris "api://$app_id"
az ad sp create --id "$app_id" >/dev/null
echo "Operator app registration: $app_id"
echo "Next: azd env set OPERATOR_APP_CLIENT_ID $app_id && azd provision"
