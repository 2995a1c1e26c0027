#!/usr/bin/env bash
# Customer side, auth mode certificate: app registration + service principal, a self-signed certificate
# (public part uploaded to the app), the least-privilege reader role at the scope you share.
# Usage: ./setup-certificate.sh <subscription-id> [resource-group] [app-name] [valid-days]
set -euo pipefail
subscription_id="${1:?subscription id}"
resource_group="${2:-}"
app_name="${3:-cross-tenant-collector-reader}"
valid_days="${4:-365}"
here="$(cd "$(dirname "$0")" && pwd)"

az account set --subscription "$subscription_id"
scope="/subscriptions/${subscription_id}"
if [[ -n "$resource_group" ]]; then scope="${scope}/resourceGroups/${resource_group}"; fi

app_id="$(az ad app create --display-name "$app_name" --query appId -o tsv)"
sp_id="$(az ad sp create --id "$app_id" --query id -o tsv)"

# Key and certificate: the PEM (both) goes to the provider, the .cer (public only) to the app.
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$valid_days" -subj "/CN=${app_name}" \
  -keyout collector.key -out collector.cer
cat collector.cer collector.key >collector.pem
rm -f collector.key
az ad app credential reset --id "$app_id" --cert @collector.cer --append >/dev/null

role_file="$(mktemp)"
sed "s#/subscriptions/00000000-0000-0000-0000-000000000000#${scope}#" "$here/../collector-reader-role.json" >"$role_file"
az role definition create --role-definition "@${role_file}" >/dev/null 2>&1 || true
rm -f "$role_file"
for _ in 1 2 3 4 5 6; do
  if az role assignment create --assignee-object-id "$sp_id" --assignee-principal-type ServicePrincipal \
    --role "Cross-Tenant Collector Reader" --scope "$scope" >/dev/null; then break; fi
  sleep 10
done

echo "Send these to your provider (collector.pem through a secure channel, then delete it):"
echo "  tenantId : $(az account show --query tenantId -o tsv)"
echo "  clientId : ${app_id}"
echo "  expires  : $(openssl x509 -in collector.cer -noout -enddate | cut -d= -f2)"
