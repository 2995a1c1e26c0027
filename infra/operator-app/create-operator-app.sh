#!/usr/bin/env bash
# Creates the operator app registration App Service Authentication validates tokens for, with the two app
# roles the collector's routes check, a user_impersonation scope with the Azure CLI pre-authorized (so an
# operator's `az account get-access-token --resource api://<client id>` works), and prints the client id for
# `azd env set OPERATOR_APP_CLIENT_ID`.
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

# A person's token comes from the Azure CLI (az account get-access-token --resource api://<app id>): Entra ID
# issues it only for a delegated scope the app exposes and, without a consent prompt, only to a client the
# app pre-authorizes (else AADSTS65001; Azure/azure-cli#12566, #29071). The roles still decide what the
# token may do. Two PATCHes: a scope must exist before a client can be pre-authorized for it.
azure_cli=04b07795-8ddb-461a-bbee-02f9e1bf7b46
scope_id=$(uuidgen)
graph_app="https://graph.microsoft.com/v1.0/applications(appId='$app_id')"
az rest --method PATCH --uri "$graph_app" --headers Content-Type=application/json --body "$(cat <<JSON
{"api": {"oauth2PermissionScopes": [{"id": "$scope_id", "value": "user_impersonation", "type": "User",
  "isEnabled": true, "adminConsentDisplayName": "Use the collector's API",
  "adminConsentDescription": "Call the cross-tenant collector's API as the signed-in operator (app roles decide what).",
  "userConsentDisplayName": "Use the collector's API",
  "userConsentDescription": "Call the cross-tenant collector's API as you (your app role decides what)."}]}}
JSON
)"
az rest --method PATCH --uri "$graph_app" --headers Content-Type=application/json --body \
  "{\"api\": {\"preAuthorizedApplications\": [{\"appId\": \"$azure_cli\", \"delegatedPermissionIds\": [\"$scope_id\"]}]}}"
echo "Operator app registration: $app_id"
echo "Next: azd env set OPERATOR_APP_CLIENT_ID $app_id && azd provision"
