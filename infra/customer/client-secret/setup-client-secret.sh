#!/usr/bin/env bash
# Customer side, auth mode clientSecret: app registration + service principal in YOUR tenant, a client
# secret, the least-privilege reader role, assigned at the scope you share.
# Usage: ./setup-client-secret.sh <subscription-id> [resource-group] [app-name] [secret-years]
set -euo pipefail
subscription_id="${1:?subscription id}"
resource_group="${2:-}"
app_name="${3:-cross-tenant-collector-reader}"
secret_years="${4:-1}"
here="$(cd "$(dirname "$0")" && pwd)"

az account set --subscription "$subscription_id"
scope="/subscriptions/${subscription_id}"
if [[ -n "$resource_group" ]]; then scope="${scope}/resourceGroups/${resource_group}"; fi

app_id="$(az ad app create --display-name "$app_name" --query appId -o tsv)"
sp_id="$(az ad sp create --id "$app_id" --query id -o tsv)"

role_file="$(mktemp)"
sed "s#/subscriptions/00000000-0000-0000-0000-000000000000#${scope}#" "$here/../collector-reader-role.json" >"$role_file"
az role definition create --role-definition "@${role_file}" >/dev/null 2>&1 || true
rm -f "$role_file"
# The new principal needs a moment to replicate before it can hold a role.
for _ in 1 2 3 4 5 6; do
  if az role assignment create --assignee-object-id "$sp_id" --assignee-principal-type ServicePrincipal \
    --role "Cross-Tenant Collector Reader" --scope "$scope" >/dev/null; then break; fi
  sleep 10
done

# The secret VALUE goes to a file only you can read; send it through a secure channel, then delete it.
umask 077
az ad app credential reset --id "$app_id" --append --years "$secret_years" --query password -o tsv >collector-secret.txt
echo "Send these to your provider:"
echo "  tenantId       : $(az account show --query tenantId -o tsv)"
echo "  clientId       : ${app_id}"
echo "  subscriptionId : ${subscription_id}"
echo "  secret value   : in ./collector-secret.txt (delete it once sent)"
