#!/usr/bin/env bash
# PROVIDER side, once: the multi-tenant app customers consent to, trusting the collector's user-assigned
# managed identity through a federated identity credential. Send customers the printed app id.
# Usage: ./create-federated-app.sh <identity-resource-group> <identity-name> [app-name]
set -euo pipefail
identity_rg="${1:?resource group of the managed identity}"
identity_name="${2:?managed identity name}"
app_name="${3:-cross-tenant-collector}"

principal_id="$(az identity show -g "$identity_rg" -n "$identity_name" --query principalId -o tsv)"
tenant_id="$(az account show --query tenantId -o tsv)"
app_id="$(az ad app create --display-name "$app_name" --sign-in-audience AzureADMultipleOrgs --query appId -o tsv)"
params="$(mktemp)"
cat >"$params" <<JSON
{"name": "collector-managed-identity", "issuer": "https://login.microsoftonline.com/${tenant_id}/v2.0",
 "subject": "${principal_id}", "audiences": ["api://AzureADTokenExchange"]}
JSON
az ad app federated-credential create --id "$app_id" --parameters "@${params}" >/dev/null
rm -f "$params"
echo "Multi-tenant app: ${app_id} -- customers run federated-identity/consent-and-assign.sh with it."
