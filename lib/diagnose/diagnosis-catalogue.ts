/** Where in the chain a failure happened. */
export type Stage = 'keyVault' | 'token' | 'arm' | 'metrics' | 'storage' | 'delivery' | 'config' | 'fabric';

import { FABRIC_CATALOGUE } from './fabric-catalogue-entries';

/** Whose move it is to fix a failure. */
export type Actor = 'customer' | 'provider' | 'nobody';

/** Facts about the customer filled into fix commands (ids are never secrets). */
export interface DiagnosisContext {
  readonly customerId?: string;
  readonly tenantId?: string;
  readonly clientId?: string;
  /** Object id of the principal, when an error names it (AuthorizationFailed does). */
  readonly objectId?: string;
  /** ARM scope the failing call touched (resource id or subscription). */
  readonly scope?: string;
  readonly action?: string;
  readonly secretName?: string;
  readonly keyVaultUrl?: string;
  readonly metric?: string;
  readonly validMetrics?: string;
  /** How the customer is reached (`clientSecret`, `managedIdentity`, ...): some codes mean different things per mode. */
  readonly authMode?: string;
  /** Client id of the app's own managed identity (Key Vault access, the managed-identity pitfall). */
  readonly appIdentityClientId?: string;
  /** Object id of the app's own managed identity, when an error names it. */
  readonly appIdentityObjectId?: string;
  /** The tenant ARM says owns the subscription (InvalidAuthenticationTokenTenant names it). */
  readonly expectedTenantId?: string;
  /** Blob service URL of the customer's storage account that receives snapshots (delivery). */
  readonly storageAccountUrl?: string;
  /** The container in that account. */
  readonly container?: string;
  /** Fabric: the Capacity Metrics app's workspace and dataset, and the capacity, when known. */
  readonly workspaceId?: string;
  readonly datasetId?: string;
  readonly capacityId?: string;
  readonly capacityName?: string;
}

export interface CatalogueEntry {
  readonly code: string;
  readonly title: string;
  readonly who: Actor;
  readonly retryable: boolean;
  /** The cause in plain words. */
  readonly cause: (c: DiagnosisContext) => string;
  /** The fix in plain words. */
  readonly fix: (c: DiagnosisContext) => string;
  /** Commands that apply the fix, real ids filled in. */
  readonly commands?: (c: DiagnosisContext) => { readonly powershell: string; readonly azCli: string };
  readonly docs: string;
}

/** The ids of a customer that every diagnosis of it fills into causes and fix commands. */
export function diagnosisContextFor(
  customer: {
    readonly id: string;
    readonly tenantId: string;
    readonly clientId: string;
    readonly secretName: string;
    readonly authMode: string;
  },
  keyVaultUrl: string,
): DiagnosisContext {
  return {
    customerId: customer.id,
    tenantId: customer.tenantId,
    clientId: customer.clientId,
    secretName: customer.secretName,
    keyVaultUrl,
    authMode: customer.authMode,
  };
}

const id = (value: string | undefined, placeholder: string): string => value ?? `<${placeholder}>`;
/** `/subscriptions/{id}` of any scope below it: where subscription-wide roles are granted. */
const subscriptionScope = (scope: string | undefined): string => {
  const match = scope ? /^\/subscriptions\/[^/]+/i.exec(scope) : null;
  return match ? match[0] : '/subscriptions/<subscription-id>';
};
/** `kv-ctc` from `https://kv-ctc.vault.azure.net`; a vault reached by IP (the local sandbox) has no name in its URL. */
const vaultName = (url: string | undefined): string => {
  const host = url ? new URL(url).hostname : '';
  return host && !/^[\d.]+$|^\[/.test(host) ? (host.split('.')[0] ?? host) : '<vault-name>';
};

/** `contosoexports` from `https://contosoexports.blob.core.windows.net`, or the path segment of a path-style URL. */
const storageAccountName = (url: string | undefined): string => {
  if (!url) return '<storage-account>';
  const parsed = new URL(url);
  const segment = parsed.pathname.split('/').find(Boolean);
  if (segment) return segment;
  return /^[\d.]+$|^\[/.test(parsed.hostname)
    ? '<storage-account>'
    : (parsed.hostname.split('.')[0] ?? '<storage-account>');
};
/** Shell expressions for the ARM id of the customer's container (the narrowest scope for the data role). */
const containerScope = (c: DiagnosisContext) => {
  const account = storageAccountName(c.storageAccountUrl);
  const container = id(c.container, 'container');
  return {
    powershell: `"$((Get-AzResource -ResourceType Microsoft.Storage/storageAccounts -Name ${account}).ResourceId)/blobServices/default/containers/${container}"`,
    azCli: `"$(az storage account show -n ${account} --query id -o tsv)/blobServices/default/containers/${container}"`,
  };
};
/** Modes whose token comes from the provider's tenant (the app's managed identity). */
const usesProviderIdentity = (c: DiagnosisContext): boolean =>
  c.authMode === 'managedIdentity' || c.authMode === 'lighthouse';

const newSecretCommands = (c: DiagnosisContext) => ({
  powershell:
    `# In tenant ${id(c.tenantId, 'tenant-id')} (customer):\n` +
    `$s = New-AzADAppCredential -ApplicationId ${id(c.clientId, 'client-id')} -EndDate (Get-Date).AddMonths(12)\n` +
    `$s.SecretText   # send this VALUE (not the secret ID) to the provider\n` +
    `# Provider: ctc rotate-secret ${id(c.customerId, 'customer')} (or Set-AzKeyVaultSecret -VaultName ${vaultName(c.keyVaultUrl)} -Name ${id(c.secretName, 'secret-name')} ...)`,
  azCli:
    `az ad app credential reset --id ${id(c.clientId, 'client-id')} --append --years 1 --query password -o tsv\n` +
    `# Provider: az keyvault secret set --vault-name ${vaultName(c.keyVaultUrl)} --name ${id(c.secretName, 'secret-name')} --file secret.txt --expires <date>`,
});

/**
 * The diagnosis catalogue: every failure we can name, with its cause in plain words, who acts,
 * the fix and the commands with the customer's real ids. Unknown failures are not forced into an entry.
 */
export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    code: 'AADSTS7000215',
    title: 'Invalid client secret',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `Entra ID in tenant ${id(c.tenantId, 'tenant-id')} rejected the client secret of app ${id(c.clientId, 'client-id')}. ` +
      'Most often the secret ID was sent instead of the secret value, or the value was copied incompletely.',
    fix: (c) =>
      `The customer sends the secret VALUE (shown once, when the secret is created) of app ${id(c.clientId, 'client-id')}; ` +
      `the provider stores it in Key Vault secret ${id(c.secretName, 'secret-name')}.`,
    commands: newSecretCommands,
    docs: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes#aadsts7000215',
  },
  {
    code: 'AADSTS7000222',
    title: 'Client secret expired',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `The client secret of app ${id(c.clientId, 'client-id')} in tenant ${id(c.tenantId, 'tenant-id')} has expired, so Entra ID issues no token.`,
    fix: (c) =>
      `The customer creates a new secret for app ${id(c.clientId, 'client-id')} and shares its value; the provider rotates ` +
      `Key Vault secret ${id(c.secretName, 'secret-name')} (the worker picks up the new version without a restart).`,
    commands: newSecretCommands,
    docs: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes#aadsts7000222',
  },
  {
    code: 'AADSTS90002',
    title: 'Tenant not found',
    who: 'provider',
    retryable: false,
    cause: (c) =>
      `Entra ID has no tenant ${id(c.tenantId, 'tenant-id')}: the tenant ID is mistyped, or belongs to another cloud.`,
    fix: (c) =>
      `Ask the customer for their tenant ID and update customer ${id(c.customerId, 'customer')}; the customer reads it with the command below.`,
    commands: () => ({
      powershell: '(Get-AzContext).Tenant.Id',
      azCli: 'az account show --query tenantId -o tsv',
    }),
    docs: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes#aadsts90002',
  },
  {
    code: 'AADSTS700016',
    title: 'Application not found in the customer tenant',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `Tenant ${id(c.tenantId, 'tenant-id')} has no application ${id(c.clientId, 'client-id')}: it was deleted, ` +
      'was created in another tenant, or (multi-tenant app) admin consent was never granted there.',
    fix: (c) =>
      `The customer checks that app ${id(c.clientId, 'client-id')} exists in tenant ${id(c.tenantId, 'tenant-id')} ` +
      '(or grants admin consent for the provider app), and re-sends the IDs if it was recreated.',
    commands: (c) => ({
      powershell: `Get-AzADServicePrincipal -ApplicationId ${id(c.clientId, 'client-id')}`,
      azCli: `az ad sp show --id ${id(c.clientId, 'client-id')}`,
    }),
    docs: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes#aadsts700016',
  },
  {
    code: 'AADSTS7000112',
    title: 'Application disabled',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `The enterprise application (service principal) of app ${id(c.clientId, 'client-id')} is disabled in tenant ${id(c.tenantId, 'tenant-id')}.`,
    fix: () => 'The customer re-enables sign-in for the enterprise application.',
    commands: (c) => ({
      powershell: `Update-AzADServicePrincipal -ApplicationId ${id(c.clientId, 'client-id')} -AccountEnabled:$true`,
      azCli: `az ad sp update --id ${id(c.clientId, 'client-id')} --set accountEnabled=true`,
    }),
    docs: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes#aadsts7000112',
  },
  {
    code: 'AuthorizationFailed',
    title: 'Missing role on a resource',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `The service principal (app ${id(c.clientId, 'client-id')}, object ${id(c.objectId, 'object-id')}) may not perform ` +
      `${id(c.action, 'the action')} on ${id(c.scope, 'the scope')}: no role assignment grants it there.`,
    fix: (c) =>
      `The customer assigns the Reader role (and Monitoring Reader for metrics) to object ${id(c.objectId, 'object-id')} on ${id(c.scope, 'the scope')} or a parent scope.`,
    commands: (c) => ({
      powershell:
        `New-AzRoleAssignment -ObjectId ${id(c.objectId, 'object-id')} -RoleDefinitionName Reader -Scope '${id(c.scope, 'scope')}'\n` +
        `New-AzRoleAssignment -ObjectId ${id(c.objectId, 'object-id')} -RoleDefinitionName 'Monitoring Reader' -Scope '${id(c.scope, 'scope')}'`,
      azCli:
        `az role assignment create --assignee-object-id ${id(c.objectId, 'object-id')} --assignee-principal-type ServicePrincipal --role Reader --scope '${id(c.scope, 'scope')}'\n` +
        `az role assignment create --assignee-object-id ${id(c.objectId, 'object-id')} --assignee-principal-type ServicePrincipal --role 'Monitoring Reader' --scope '${id(c.scope, 'scope')}'`,
    }),
    docs: 'https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---authorization-failed',
  },
  {
    code: 'ResourceNotFound',
    title: 'Resource not found',
    who: 'provider',
    retryable: false,
    cause: (c) => `ARM has no resource ${id(c.scope, 'resource-id')}: it was deleted, renamed or moved.`,
    fix: (c) =>
      `Ask the customer where the resource went and update the resource list of customer ${id(c.customerId, 'customer')}.`,
    commands: (c) => ({
      powershell: `Get-AzResource -ResourceId '${id(c.scope, 'resource-id')}'`,
      azCli: `az resource show --ids '${id(c.scope, 'resource-id')}'`,
    }),
    docs: 'https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-not-found',
  },
  {
    code: 'MetricNotDefined',
    title: 'Metric not defined for this resource type',
    who: 'provider',
    retryable: false,
    cause: (c) =>
      `Azure Monitor has no metric ${id(c.metric, 'metric')} for ${id(c.scope, 'the resource')}.` +
      (c.validMetrics ? ` Valid metrics: ${c.validMetrics}.` : ''),
    fix: (c) => `Correct the metric names configured for this resource of customer ${id(c.customerId, 'customer')}.`,
    commands: (c) => ({
      powershell: `Get-AzMetricDefinition -ResourceId '${id(c.scope, 'resource-id')}' | Select-Object -ExpandProperty Name`,
      azCli: `az monitor metrics list-definitions --resource '${id(c.scope, 'resource-id')}' --query '[].name.value' -o tsv`,
    }),
    docs: 'https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/metrics-index',
  },
  {
    code: 'KeyVaultForbidden',
    title: "The app's identity may not read Key Vault secrets",
    who: 'provider',
    retryable: false,
    cause: (c) =>
      `Key Vault ${vaultName(c.keyVaultUrl)} refused the app's managed identity (object ${id(c.appIdentityObjectId, 'app-identity-object-id')}): ` +
      'it lacks the Key Vault Secrets User role on the vault.',
    fix: () => "Assign Key Vault Secrets User on the vault to the function app's managed identity.",
    commands: (c) => ({
      powershell: `New-AzRoleAssignment -ObjectId ${id(c.appIdentityObjectId, 'app-identity-object-id')} -RoleDefinitionName 'Key Vault Secrets User' -Scope (Get-AzKeyVault -VaultName ${vaultName(c.keyVaultUrl)}).ResourceId`,
      azCli: `az role assignment create --assignee-object-id ${id(c.appIdentityObjectId, 'app-identity-object-id')} --assignee-principal-type ServicePrincipal --role 'Key Vault Secrets User' --scope $(az keyvault show -n ${vaultName(c.keyVaultUrl)} --query id -o tsv)`,
    }),
    docs: 'https://learn.microsoft.com/azure/key-vault/general/rbac-guide',
  },
  {
    code: 'SecretNotFound',
    title: "The customer's secret is missing from Key Vault",
    who: 'provider',
    retryable: false,
    cause: (c) => `Key Vault ${vaultName(c.keyVaultUrl)} has no secret ${id(c.secretName, 'secret-name')}.`,
    fix: (c) => `Store the customer's client secret value as ${id(c.secretName, 'secret-name')}.`,
    commands: (c) => ({
      powershell: `Set-AzKeyVaultSecret -VaultName ${vaultName(c.keyVaultUrl)} -Name ${id(c.secretName, 'secret-name')} -SecretValue (Read-Host -AsSecureString)`,
      azCli: `az keyvault secret set --vault-name ${vaultName(c.keyVaultUrl)} --name ${id(c.secretName, 'secret-name')} --file secret.txt`,
    }),
    docs: 'https://learn.microsoft.com/azure/key-vault/secrets/quick-create-cli',
  },
  {
    code: 'SecretDisabled',
    title: "The customer's Key Vault secret is disabled",
    who: 'provider',
    retryable: false,
    cause: (c) =>
      `The current version of Key Vault secret ${id(c.secretName, 'secret-name')} is disabled, so Key Vault refuses to return it ` +
      "(403 SecretDisabled); the app's identity has the role it needs.",
    fix: (c) =>
      `Enable the secret if the customer's app still accepts it, or store the customer's current client secret as a new version (ctc rotate-secret ${id(c.customerId, 'customer')}).`,
    commands: (c) => ({
      powershell: `Update-AzKeyVaultSecret -VaultName ${vaultName(c.keyVaultUrl)} -Name ${id(c.secretName, 'secret-name')} -Enable $true`,
      azCli: `az keyvault secret set-attributes --vault-name ${vaultName(c.keyVaultUrl)} --name ${id(c.secretName, 'secret-name')} --enabled true`,
    }),
    docs: 'https://learn.microsoft.com/rest/api/keyvault/secrets/update-secret/update-secret',
  },
  {
    code: 'SecretEmpty',
    title: "The customer's Key Vault secret has no value",
    who: 'provider',
    retryable: false,
    cause: (c) => `Key Vault secret ${id(c.secretName, 'secret-name')} exists but its current version is empty.`,
    fix: (c) => `Store the customer's client secret value as a new version of ${id(c.secretName, 'secret-name')}.`,
    commands: (c) => ({
      powershell: `Set-AzKeyVaultSecret -VaultName ${vaultName(c.keyVaultUrl)} -Name ${id(c.secretName, 'secret-name')} -SecretValue (Read-Host -AsSecureString)`,
      azCli: `az keyvault secret set --vault-name ${vaultName(c.keyVaultUrl)} --name ${id(c.secretName, 'secret-name')} --file secret.txt`,
    }),
    docs: 'https://learn.microsoft.com/azure/key-vault/secrets/about-secrets',
  },
  {
    code: 'SecretNotOwned',
    title: "The Key Vault secret this customer names is not the customer's",
    who: 'provider',
    retryable: false,
    cause: (c) =>
      `Key Vault secret ${id(c.secretName, 'secret-name')} carries another customer's customerId tag, or no tag at a name the product did not give this customer; the collector reads a secret only for the customer it belongs to.`,
    fix: (c) =>
      `Point the customer at its own secret (leave out secretName), or, if ${id(c.secretName, 'secret-name')} really is this customer's, tag it customerId=<customer id>.`,
    commands: (c) => ({
      powershell: `Update-AzKeyVaultSecret -VaultName ${vaultName(c.keyVaultUrl)} -Name ${id(c.secretName, 'secret-name')} -Tag @{ customerId = '<customer-id>' }`,
      azCli: `az keyvault secret set-attributes --vault-name ${vaultName(c.keyVaultUrl)} --name ${id(c.secretName, 'secret-name')} --tags customerId=<customer-id>`,
    }),
    docs: 'https://learn.microsoft.com/azure/key-vault/secrets/about-secrets',
  },
  {
    code: 'AADSTS70021',
    title: 'No matching federated identity record',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `App ${id(c.clientId, 'client-id')} in tenant ${id(c.tenantId, 'tenant-id')} has no federated credential whose issuer and audience ` +
      "match the provider's managed identity token (issuer https://login.microsoftonline.com/<provider-tenant-id>/v2.0, audience api://AzureADTokenExchange).",
    fix: (c) =>
      `The customer adds a federated credential to app ${id(c.clientId, 'client-id')} trusting the provider's managed identity ` +
      `(subject = its object id ${id(c.appIdentityObjectId, 'provider-identity-object-id')}).`,
    commands: (c) => federatedCredentialCommands(c),
    docs: 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity',
  },
  {
    code: 'AADSTS700213',
    title: 'Federated credential subject does not match',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `App ${id(c.clientId, 'client-id')} trusts the provider's issuer, but no federated credential has the subject the token carries ` +
      `(the provider identity's object id ${id(c.appIdentityObjectId, 'provider-identity-object-id')}).`,
    fix: (c) =>
      `The customer corrects the subject of the federated credential on app ${id(c.clientId, 'client-id')} to ${id(c.appIdentityObjectId, 'provider-identity-object-id')}.`,
    commands: (c) => federatedCredentialCommands(c),
    docs: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes#aadsts700213',
  },
  {
    code: 'ManagedIdentityNotInCustomerTenant',
    title: "The provider's managed identity cannot be used in the customer's tenant",
    who: 'provider',
    retryable: false,
    cause: (c) =>
      `Customer ${id(c.customerId, 'customer')} is configured to use the provider's managed identity directly, but a managed identity ` +
      `exists only in its home tenant: tenant ${id(c.tenantId, 'tenant-id')} cannot resolve object ${id(c.objectId ?? c.appIdentityObjectId, 'identity-object-id')}, ` +
      'so a role assignment there naming it can never work, and ARM refuses the home-tenant token.',
    fix: (c) =>
      `Switch customer ${id(c.customerId, 'customer')} to a principal that exists in tenant ${id(c.tenantId, 'tenant-id')}: ` +
      '(1) a service principal the customer creates (client secret or certificate), ' +
      "(2) a multi-tenant app with a federated credential that trusts the provider's managed identity, or " +
      `(3) Azure Lighthouse delegation of ${subscriptionScope(c.scope)} to the provider's tenant.`,
    commands: (c) => ({
      powershell:
        `# Option 1, in tenant ${id(c.tenantId, 'tenant-id')} (customer): a reader service principal with a secret\n` +
        `$sp = New-AzADServicePrincipal -DisplayName 'metrics-collector'\n` +
        `New-AzRoleAssignment -ObjectId $sp.Id -RoleDefinitionName 'Monitoring Reader' -Scope '${subscriptionScope(c.scope)}'\n` +
        `New-AzRoleAssignment -ObjectId $sp.Id -RoleDefinitionName Reader -Scope '${subscriptionScope(c.scope)}'\n` +
        `$sp.PasswordCredentials.SecretText   # send with $sp.AppId and ${id(c.tenantId, 'tenant-id')} to the provider\n` +
        `# Option 3: deploy the Lighthouse offer (infra/customer) with New-AzSubscriptionDeployment`,
      azCli:
        `az ad sp create-for-rbac --name metrics-collector --role Reader --scopes '${subscriptionScope(c.scope)}'\n` +
        `az role assignment create --assignee <appId-from-above> --role 'Monitoring Reader' --scope '${subscriptionScope(c.scope)}'\n` +
        `# Provider: update customer ${id(c.customerId, 'customer')} to authMode clientSecret with that appId`,
    }),
    docs: 'https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/managed-identities-faq#can-i-use-a-managed-identity-to-access-a-resource-in-a-different-directorytenant',
  },
  {
    code: 'InvalidAuthenticationTokenTenant',
    title: 'Token from the wrong tenant for this subscription',
    who: 'provider',
    retryable: false,
    cause: (c) =>
      `The subscription of ${id(c.scope, 'the resource')} belongs to tenant ${id(c.expectedTenantId, 'its owning tenant')}, ` +
      `but customer ${id(c.customerId, 'customer')} is configured with tenant ${id(c.tenantId, 'tenant-id')}, so ARM refuses the token.`,
    fix: (c) =>
      `Update customer ${id(c.customerId, 'customer')} to tenant ${id(c.expectedTenantId, 'owning-tenant-id')} (and an app registered there), ` +
      'or remove resources that belong to another tenant.',
    commands: (c) => ({
      powershell: `(Get-AzSubscription -SubscriptionId ${subscriptionScope(c.scope).split('/')[2]}).TenantId`,
      azCli: `az account show --subscription ${subscriptionScope(c.scope).split('/')[2]} --query tenantId -o tsv`,
    }),
    docs: 'https://learn.microsoft.com/entra/fundamentals/how-to-find-tenant',
  },
  {
    code: 'AADSTS700027',
    title: 'Certificate assertion rejected',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `Entra ID in tenant ${id(c.tenantId, 'tenant-id')} rejected the certificate-signed assertion of app ${id(c.clientId, 'client-id')}: ` +
      'the certificate in Key Vault is not (or no longer) registered on the app, has expired, or the PEM holds a different key.',
    fix: (c) =>
      `The customer uploads the public certificate to app ${id(c.clientId, 'client-id')} (or sends a new one); the provider stores the ` +
      `PEM with its private key as Key Vault secret ${id(c.secretName, 'secret-name')}.`,
    commands: (c) => ({
      powershell:
        `# Customer, in tenant ${id(c.tenantId, 'tenant-id')}:\n` +
        `New-AzADAppCredential -ApplicationId ${id(c.clientId, 'client-id')} -CertValue ([Convert]::ToBase64String((Get-PfxCertificate ./collector.cer).RawData))\n` +
        `# Provider: ctc customers rotate-secret ${id(c.customerId, 'customer')} --certificate-file collector.pem`,
      azCli:
        `az ad app credential reset --id ${id(c.clientId, 'client-id')} --cert @collector.cer --append\n` +
        `# Provider: az keyvault secret set --vault-name ${vaultName(c.keyVaultUrl)} --name ${id(c.secretName, 'secret-name')} --file collector.pem --encoding utf-8 --content-type application/x-pem-file`,
    }),
    docs: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes#aadsts700027',
  },
  {
    code: 'AADSTS700024',
    title: 'Client assertion outside its valid time range',
    who: 'provider',
    retryable: false,
    cause: () =>
      "Entra ID refused the client assertion because its time window (nbf/exp) does not include Entra's current time: the clock of the collector's host is off.",
    fix: () =>
      'Check the clock of the host running the collector (NTP); on Azure Functions this does not happen, so it is a local problem.',
    docs: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes#aadsts700024',
  },
  {
    code: 'LighthouseDelegationMissing',
    title: "The customer's subscription is not delegated to the provider (Azure Lighthouse)",
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `Customer ${id(c.customerId, 'customer')} uses Azure Lighthouse, but ARM does not accept the provider's token for ${id(c.scope, 'the resource')}: ` +
      'the subscription was never delegated to the provider tenant, or the customer removed the delegation.',
    fix: (c) =>
      `The customer deploys (again) the Lighthouse template from infra/customer/lighthouse on subscription ${subscriptionScope(c.scope)}; ` +
      "it grants Reader and Monitoring Reader to the provider's managed identity.",
    commands: (c) => ({
      powershell: `New-AzSubscriptionDeployment -Location westeurope -TemplateFile lighthouse-delegation.json -TemplateParameterFile lighthouse-delegation.parameters.json  # in ${subscriptionScope(c.scope)}`,
      azCli: `az deployment sub create --location westeurope --template-file lighthouse-delegation.json --parameters @lighthouse-delegation.parameters.json  # in ${subscriptionScope(c.scope)}`,
    }),
    docs: 'https://learn.microsoft.com/azure/lighthouse/how-to/onboard-customer',
  },
  {
    code: 'MetricsBatchUnauthorized',
    title: 'The metrics batch API needs Monitoring Reader on the subscription',
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `metrics:getBatch answered 401 for ${subscriptionScope(c.scope)}: the batch API authorizes at subscription scope, ` +
      `and object ${id(c.objectId, 'object-id')} has no Monitoring Reader role there (resource-level grants are not enough).`,
    fix: (c) =>
      `The customer assigns Monitoring Reader on ${subscriptionScope(c.scope)} to object ${id(c.objectId, 'object-id')}, ` +
      'or the provider collects this customer per resource.',
    commands: (c) => ({
      powershell: `New-AzRoleAssignment -ObjectId ${id(c.objectId, 'object-id')} -RoleDefinitionName 'Monitoring Reader' -Scope '${subscriptionScope(c.scope)}'`,
      azCli: `az role assignment create --assignee-object-id ${id(c.objectId, 'object-id')} --assignee-principal-type ServicePrincipal --role 'Monitoring Reader' --scope '${subscriptionScope(c.scope)}'`,
    }),
    docs: 'https://learn.microsoft.com/azure/azure-monitor/essentials/rest-api-walkthrough#retrieve-metric-values-for-multiple-resources-at-once',
  },
  {
    code: 'DeliveryRoleMissing',
    title: "No Storage Blob Data Contributor role on the customer's container",
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `Storage account ${storageAccountName(c.storageAccountUrl)} refused to let object ${id(c.objectId, 'object-id')} ` +
      `(app ${id(c.clientId, 'client-id')}) write to container ${id(c.container, 'container')} (403). Writing blobs needs a data role: ` +
      'Storage Blob Data Contributor on the container or the account; Owner, Contributor or Reader do not grant blob data access. ' +
      '(AuthorizationFailure instead of AuthorizationPermissionMismatch can also mean the account firewall blocks the collector.) ' +
      'The collected data is kept on the provider side.',
    fix: (c) =>
      `The customer assigns Storage Blob Data Contributor to object ${id(c.objectId, 'object-id')} on container ${id(c.container, 'container')} ` +
      `of storage account ${storageAccountName(c.storageAccountUrl)} (new role assignments can take a few minutes to apply).`,
    commands: (c) => ({
      powershell:
        `# In tenant ${id(c.tenantId, 'tenant-id')} (customer):\n` +
        `New-AzRoleAssignment -ObjectId ${id(c.objectId, 'object-id')} -RoleDefinitionName 'Storage Blob Data Contributor' -Scope ${containerScope(c).powershell}`,
      azCli: `az role assignment create --assignee-object-id ${id(c.objectId, 'object-id')} --assignee-principal-type ServicePrincipal --role 'Storage Blob Data Contributor' --scope ${containerScope(c).azCli}`,
    }),
    docs: 'https://learn.microsoft.com/azure/storage/blobs/assign-azure-role-data-access',
  },
  {
    code: 'DeliveryPrincipalNotInTenant',
    title: 'The delivery token comes from a tenant the storage account does not trust',
    who: 'provider',
    retryable: false,
    cause: (c) =>
      usesProviderIdentity(c)
        ? `Customer ${id(c.customerId, 'customer')} delivers with the provider's managed identity, but a managed identity exists only in its ` +
          `home tenant: storage account ${storageAccountName(c.storageAccountUrl)} belongs to tenant ${id(c.expectedTenantId, 'its tenant')}, which ` +
          'cannot resolve that principal, so Storage refuses the home-tenant token (401 InvalidAuthenticationInfo). Azure Lighthouse delegates ' +
          'ARM (control-plane) roles, not blob data roles, so it does not help here.'
        : `Storage account ${storageAccountName(c.storageAccountUrl)} belongs to tenant ${id(c.expectedTenantId, 'its tenant')}, but customer ` +
          `${id(c.customerId, 'customer')}'s app ${id(c.clientId, 'client-id')} lives in tenant ${id(c.tenantId, 'tenant-id')}: its service principal ` +
          "is unknown in the account's tenant, so a token from there cannot be issued and Storage refuses the one we have (401 InvalidAuthenticationInfo).",
    fix: (c) =>
      usesProviderIdentity(c)
        ? `Deliver with a principal that exists in tenant ${id(c.expectedTenantId, 'the account tenant')}: switch customer ${id(c.customerId, 'customer')} ` +
          'to a service principal the customer creates (client secret or certificate) or to the federated multi-tenant app, and grant it ' +
          'Storage Blob Data Contributor on the container; or remove the delivery target.'
        : `Use a storage account in tenant ${id(c.tenantId, 'tenant-id')} for delivery, or have the customer consent/register the collector app in ` +
          `tenant ${id(c.expectedTenantId, 'the account tenant')} and onboard that tenant as its own customer.`,
    commands: (c) => ({
      powershell: `(Get-AzSubscription -SubscriptionId ((Get-AzResource -ResourceType Microsoft.Storage/storageAccounts -Name ${storageAccountName(c.storageAccountUrl)}).ResourceId -split '/')[2]).TenantId   # must be ${id(c.tenantId, 'tenant-id')}`,
      azCli: `az account show --subscription $(az storage account show -n ${storageAccountName(c.storageAccountUrl)} --query id -o tsv | cut -d/ -f3) --query tenantId -o tsv   # must be ${id(c.tenantId, 'tenant-id')}`,
    }),
    docs: 'https://learn.microsoft.com/rest/api/storageservices/authorize-with-azure-active-directory#bearer-challenge',
  },
  {
    code: 'DeliveryContainerNotFound',
    title: "The customer's delivery container does not exist",
    who: 'customer',
    retryable: false,
    cause: (c) =>
      `Storage account ${storageAccountName(c.storageAccountUrl)} has no container ${id(c.container, 'container')}; the collector does not create it ` +
      '(Storage Blob Data Contributor on the container is all it should hold).',
    fix: (c) =>
      `The customer creates container ${id(c.container, 'container')}, or the provider corrects the delivery target of customer ${id(c.customerId, 'customer')}.`,
    commands: (c) => ({
      powershell: `New-AzStorageContainer -Name ${id(c.container, 'container')} -Context (New-AzStorageContext -StorageAccountName ${storageAccountName(c.storageAccountUrl)} -UseConnectedAccount)`,
      azCli: `az storage container create --account-name ${storageAccountName(c.storageAccountUrl)} --name ${id(c.container, 'container')} --auth-mode login`,
    }),
    docs: 'https://learn.microsoft.com/azure/storage/blobs/blob-containers-cli',
  },
  {
    code: 'DeliveryHostNotAllowed',
    title: 'The delivery target is not an Azure Storage host',
    who: 'provider',
    retryable: false,
    cause: (c) =>
      `Customer ${id(c.customerId, 'customer')} names ${c.storageAccountUrl ?? 'a delivery URL'} as its storage, which is not under the configured Azure service suffixes (SERVICE_HOST_SUFFIXES); the collector sends a customer's token only to Azure's own hosts, so nothing was sent.`,
    fix: (c) =>
      `Set the delivery target of customer ${id(c.customerId, 'customer')} to its storage account's blob endpoint (https://<account>.blob.core.windows.net), or remove it.`,
    docs: 'https://learn.microsoft.com/azure/storage/common/storage-account-overview#standard-endpoints',
  },
  {
    code: 'Throttled',
    title: 'Throttled by Azure',
    who: 'nobody',
    retryable: true,
    cause: () => 'Azure answered 429 (too many requests); ARM allows about 25 reads per second per principal.',
    fix: () => 'Nothing to do: the run is retried. If it persists, spread schedules or collect fewer metrics per run.',
    commands: (c) => ({
      powershell: `Get-AzMetric -ResourceId '${id(c.scope, 'resource-id')}' -TimeGrain 00:05:00 -DetailedOutput | Select-Object -First 1   # one read, to see the limit headers`,
      azCli: `az rest --method get --url '${id(c.scope, 'resource-id')}?api-version=2022-09-01' --verbose 2>&1 | grep -i x-ms-ratelimit-remaining`,
    }),
    docs: 'https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling',
  },
  {
    // Source: https://learn.microsoft.com/entra/identity-platform/reference-error-codes (see entra-transient-error.ts).
    code: 'EntraTransientError',
    title: 'Entra ID is temporarily unavailable',
    who: 'nobody',
    retryable: true,
    cause: (c) =>
      `Entra ID could not issue a token in tenant ${id(c.tenantId, 'tenant-id')} right now (a transient error such as ` +
      'AADSTS90033 "a transient error has occurred", throttling or temporarily_unavailable). The credentials are not in question.',
    fix: () =>
      'Nothing to do: the run is retried, and a window that still fails is collected again once Entra answers. ' +
      'If it persists for hours, check the Entra ID service health.',
    commands: (c) => ({
      powershell: `Invoke-RestMethod https://login.microsoftonline.com/${id(c.tenantId, 'tenant-id')}/v2.0/.well-known/openid-configuration | Select-Object issuer`,
      azCli: `curl -sS -o /dev/null -w "%{http_code}\n" https://login.microsoftonline.com/${id(c.tenantId, 'tenant-id')}/v2.0/.well-known/openid-configuration`,
    }),
    docs: 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes',
  },
  {
    code: 'ServiceUnavailable',
    title: 'Azure service error',
    who: 'nobody',
    retryable: true,
    cause: () => 'Azure answered with a server error (5xx).',
    fix: () => 'Nothing to do: the run is retried.',
    commands: () => ({
      powershell: 'Search-AzGraph -Query "servicehealthresources | where properties.Status == \'Active\'"',
      azCli: 'az graph query -q "servicehealthresources | where properties.Status == \'Active\'"',
    }),
    docs: 'https://azure.status.microsoft/',
  },
  {
    code: 'NetworkError',
    title: 'Network or TLS failure',
    who: 'provider',
    retryable: true,
    cause: () => 'The call did not reach Azure or timed out (DNS, TCP, TLS or proxy).',
    fix: () => 'Check outbound connectivity of the function app (VNet, firewall, DNS); the run is retried.',
    commands: () => ({
      powershell:
        'Test-NetConnection login.microsoftonline.com -Port 443; Test-NetConnection management.azure.com -Port 443',
      azCli:
        'curl -sS -o /dev/null -w "%{http_code}\n" https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    }),
    docs: 'https://learn.microsoft.com/azure/azure-functions/functions-networking-options',
  },
];

function federatedCredentialCommands(c: DiagnosisContext): { readonly powershell: string; readonly azCli: string } {
  const subject = id(c.appIdentityObjectId, 'provider-identity-object-id');
  const issuer = 'https://login.microsoftonline.com/<provider-tenant-id>/v2.0';
  return {
    powershell:
      `# In tenant ${id(c.tenantId, 'tenant-id')} (customer):
` +
      `$app = Get-AzADApplication -ApplicationId ${id(c.clientId, 'client-id')}
` +
      `New-AzADAppFederatedCredential -ApplicationObjectId $app.Id -Name provider-collector -Issuer '${issuer}' -Subject '${subject}' -Audience 'api://AzureADTokenExchange'`,
    azCli:
      `az ad app federated-credential create --id ${id(c.clientId, 'client-id')} --parameters ` +
      `'{"name":"provider-collector","issuer":"${issuer}","subject":"${subject}","audiences":["api://AzureADTokenExchange"]}'`,
  };
}

const BY_CODE = new Map([...CATALOGUE, ...FABRIC_CATALOGUE].map((entry) => [entry.code, entry]));

/** The catalogue entry for a code, if the catalogue knows it. */
export function findCatalogueEntry(code: string): CatalogueEntry | undefined {
  return BY_CODE.get(code);
}
