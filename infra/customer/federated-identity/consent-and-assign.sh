#!/usr/bin/env bash
# Customer side, auth mode federatedIdentity (secretless): the provider's multi-tenant app gets a service
# principal in YOUR tenant (admin consent) and the least-privilege reader role. No secret exists anywhere.
# Usage: ./consent-and-assign.sh <provider-app-id> <subscription-id> [resource-group]
set -euo pipefail
provider_app_id="${1:?client id the provider sent}"
subscription_id="${2:?subscription id}"
resource_group="${3:-}"
here="$(cd "$(dirname "$0")" && pwd)"

az account set --subscription "$subscription_id"
scope="/subscriptions/${subscription_id}"
if [[ -n "$resource_group" ]]; then scope="${scope}/resourceGroups/${resource_group}"; fi

sp_id="$(az ad sp show --id "$provider_app_id" --query id -o tsv 2>/dev/null || az ad sp create --id "$provider_app_id" --query id -o tsv)"

role_file="$(mktemp)"
sed "s#/subscriptions/00000000-0000-0000-0000-000000000000#${scope}#" "$here/../collector-reader-role.json" >"$role_file"
az role definition create --role-definition "@${role_file}" >/dev/null 2>&1 || true
rm -f "$role_file"
az role assignment create --assignee-object-id "$sp_id" --assignee-principal-type ServicePrincipal \
  --role "Cross-Tenant Collector Reader" --scope "$scope" >/dev/null
echo "Done. Send your tenant ID to the provider: $(az account show --query tenantId -o tsv)"
echo "Revoke at any time: az ad sp delete --id ${sp_id}"
