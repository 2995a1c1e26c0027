/** Where in the chain a failure happened. */
export type Stage = 'keyVault' | 'token' | 'arm' | 'metrics' | 'storage' | 'config';

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

const id = (value: string | undefined, placeholder: string): string => value ?? `<${placeholder}>`;
const vaultName = (url: string | undefined): string => (url ? new URL(url).hostname.split('.')[0] ?? url : '<vault-name>');

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
      `Key Vault ${vaultName(c.keyVaultUrl)} refused the app's managed identity: it lacks the Key Vault Secrets User role.`,
    fix: () => "Assign Key Vault Secrets User on the vault to the function app's managed identity.",
    commands: (c) => ({
      powershell: `New-AzRoleAssignment -ObjectId <app-identity-object-id> -RoleDefinitionName 'Key Vault Secrets User' -Scope (Get-AzKeyVault -VaultName ${vaultName(c.keyVaultUrl)}).ResourceId`,
      azCli: `az role assignment create --assignee-object-id <app-identity-object-id> --assignee-principal-type ServicePrincipal --role 'Key Vault Secrets User' --scope $(az keyvault show -n ${vaultName(c.keyVaultUrl)} --query id -o tsv)`,
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
    code: 'Throttled',
    title: 'Throttled by Azure',
    who: 'nobody',
    retryable: true,
    cause: () => 'Azure answered 429 (too many requests); ARM allows about 25 reads per second per principal.',
    fix: () => 'Nothing to do: the run is retried. If it persists, spread schedules or collect fewer metrics per run.',
    docs: 'https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling',
  },
  {
    code: 'ServiceUnavailable',
    title: 'Azure service error',
    who: 'nobody',
    retryable: true,
    cause: () => 'Azure answered with a server error (5xx).',
    fix: () => 'Nothing to do: the run is retried.',
    docs: 'https://azure.status.microsoft/',
  },
  {
    code: 'NetworkError',
    title: 'Network or TLS failure',
    who: 'provider',
    retryable: true,
    cause: () => 'The call did not reach Azure or timed out (DNS, TCP, TLS or proxy).',
    fix: () => 'Check outbound connectivity of the function app (VNet, firewall, DNS); the run is retried.',
    docs: 'https://learn.microsoft.com/azure/azure-functions/functions-networking-options',
  },
];

const BY_CODE = new Map(CATALOGUE.map((entry) => [entry.code, entry]));

/** The catalogue entry for a code, if the catalogue knows it. */
export function findCatalogueEntry(code: string): CatalogueEntry | undefined {
  return BY_CODE.get(code);
}
