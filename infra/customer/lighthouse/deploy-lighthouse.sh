#!/usr/bin/env bash
# Customer side, auth mode lighthouse: delegates one subscription (read-only) to the provider's tenant.
# Usage: ./deploy-lighthouse.sh <subscription-id> <provider-tenant-id> <collector-principal-id> [location]
set -euo pipefail
subscription_id="${1:?subscription id}"
provider_tenant_id="${2:?provider tenant id}"
collector_principal_id="${3:?object id of the provider collector identity}"
location="${4:-westeurope}"
here="$(cd "$(dirname "$0")" && pwd)"

az account set --subscription "$subscription_id"
az deployment sub create --name cross-tenant-collector-lighthouse --location "$location" \
  --template-file "$here/lighthouse-delegation.json" \
  --parameters managedByTenantId="$provider_tenant_id" collectorPrincipalId="$collector_principal_id" >/dev/null
echo "Delegated. Revoke at any time: az managedservices assignment list -o table; az managedservices assignment delete --assignment <name>"
