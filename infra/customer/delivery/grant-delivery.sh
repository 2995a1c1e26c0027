#!/usr/bin/env bash
# Customer side, optional: let the collector write its snapshots into a container of YOUR storage account.
# Creates the container (if missing) and grants the collector's principal Storage Blob Data Contributor on
# that container only. Owner/Contributor would not do: they grant no blob data access.
# Usage: ./grant-delivery.sh <subscription-id> <storage-account> <container> <principal-object-id>
#   principal-object-id: the object id of the service principal you created for the provider
#   (az ad sp show --id <client-id> --query id -o tsv).
set -euo pipefail
subscription_id="${1:?subscription id}"
account="${2:?storage account name}"
container="${3:?container name}"
object_id="${4:?object id of the collector principal}"

az account set --subscription "$subscription_id"
account_id="$(az storage account show -n "$account" --query id -o tsv)"
az storage container create --name "$container" --account-name "$account" --auth-mode login >/dev/null
az role assignment create --assignee-object-id "$object_id" --assignee-principal-type ServicePrincipal \
  --role 'Storage Blob Data Contributor' \
  --scope "${account_id}/blobServices/default/containers/${container}" >/dev/null

echo "Send these to your provider:"
echo "  blobServiceUrl : https://${account}.blob.core.windows.net"
echo "  container      : ${container}"
