import type { SandboxPowerBiSeed } from './power-bi/sandbox-power-bi';
import type { SandboxDataCollectionRule } from './sandbox-logs-ingestion';

/**
 * The data a sandbox cloud starts with. Every list is optional; the sandbox fills in a home
 * tenant, a managed identity and a vault when they are missing. All ids are plain strings so a
 * scenario can use fixed GUIDs and produce stable output.
 */
export interface SandboxSeed {
  /** The provider's tenant, where the managed identity and the Key Vault live. */
  readonly homeTenantId?: string;
  readonly tenants?: readonly SandboxTenantSeed[];
  readonly subscriptions?: readonly SandboxSubscriptionSeed[];
  readonly apps?: readonly SandboxAppSeed[];
  readonly managedIdentity?: { readonly clientId: string; readonly objectId: string };
  /** ARM id of the provider's vault; role assignments for Key Vault roles use it as scope. */
  readonly vaultResourceId?: string;
  readonly roleAssignments?: readonly SandboxRoleAssignmentSeed[];
  readonly resources?: readonly SandboxResourceSeed[];
  readonly vaultSecrets?: readonly SandboxVaultSecretSeed[];
  /** Azure Lighthouse: customer subscriptions delegated to a principal in a managing tenant. */
  readonly delegations?: readonly SandboxDelegationSeed[];
  /** Blob containers in storage accounts (the accounts themselves are `resources`). */
  readonly storageContainers?: readonly SandboxStorageContainerSeed[];
  /** Power BI / Fabric: tenant settings, workspaces with the Capacity Metrics model, Fabric capacities. */
  readonly powerBi?: SandboxPowerBiSeed;
  /** Azure Monitor ingestion delay in seconds (default 180); null turns it off (all samples present at once). */
  readonly metricIngestionDelaySeconds?: number | null;
  /** Data collection rules the Logs Ingestion API accepts data for. */
  readonly dataCollectionRules?: readonly SandboxDataCollectionRule[];
}

/** A blob container in a storage account of the sandbox's storage front. */
export interface SandboxStorageContainerSeed {
  /** The storage account's name (its resource must exist, type Microsoft.Storage/storageAccounts). */
  readonly account: string;
  readonly container: string;
}

/**
 * An Azure Lighthouse registration assignment: the customer's subscription (or a resource group in
 * it) is projected into the managing tenant, so ARM accepts that tenant's tokens for it.
 */
export interface SandboxDelegationSeed {
  /** `/subscriptions/{id}` or a resource group below it. */
  readonly scope: string;
  /** The provider's tenant. */
  readonly managingTenantId: string;
  /** Object id of the provider principal (e.g. the app's managed identity) in the managing tenant. */
  readonly principalId: string;
  readonly roleName: SandboxRoleName;
}

/** A certificate credential registered on an app (public part only, as uploaded to Entra). */
export interface SandboxCertificateSeed {
  /** `-----BEGIN CERTIFICATE-----` PEM. */
  readonly certificatePem: string;
}

export interface SandboxTenantSeed {
  readonly tenantId: string;
  readonly displayName?: string;
}

export interface SandboxSubscriptionSeed {
  readonly subscriptionId: string;
  /** The tenant that owns the subscription: only its tokens are accepted by ARM for it. */
  readonly tenantId: string;
  readonly displayName?: string;
}

/** An app registration together with its service principal in the same tenant. */
export interface SandboxAppSeed {
  readonly tenantId: string;
  /** Application (client) id. */
  readonly clientId: string;
  /** Object id of the app's service principal: what role assignments name. */
  readonly objectId: string;
  readonly displayName?: string;
  readonly enabled?: boolean;
  readonly secrets?: readonly SandboxClientSecretSeed[];
  /** Trusted external tokens (workload identity federation), checked for client assertions. */
  readonly federatedCredentials?: readonly SandboxFederatedCredentialSeed[];
  /** Certificates whose private key signs the app's client assertions. */
  readonly certificates?: readonly SandboxCertificateSeed[];
}

export interface SandboxFederatedCredentialSeed {
  readonly issuer: string;
  readonly subject: string;
  /** Usually `api://AzureADTokenExchange`. */
  readonly audience: string;
}

export interface SandboxClientSecretSeed {
  /** The secret's value (what a client sends as client_secret). Never log it. */
  readonly value: string;
  readonly expiresAt: Date;
  /** The secret's id, shown in the portal next to the value (people paste it by mistake). */
  readonly keyId?: string;
}

/** Built-in role names the sandbox understands. */
export type SandboxRoleName =
  | 'Owner'
  | 'Contributor'
  | 'Reader'
  | 'Monitoring Reader'
  | 'Key Vault Administrator'
  | 'Key Vault Secrets Officer'
  | 'Key Vault Secrets User'
  | 'Storage Blob Data Owner'
  | 'Storage Blob Data Contributor'
  | 'Storage Blob Data Reader'
  | 'Monitoring Metrics Publisher';

export interface SandboxRoleAssignmentSeed {
  /** Object id of the principal (service principal or managed identity). */
  readonly principalId: string;
  /** `/subscriptions/{id}`, a resource group or a resource id. */
  readonly scope: string;
  readonly roleName: SandboxRoleName;
}

export interface SandboxResourceSeed {
  /** Full ARM id; its type is read from it when `type` is missing. */
  readonly id: string;
  readonly type?: string;
  readonly location: string;
  readonly kind?: string;
  readonly sku?: Readonly<Record<string, unknown>>;
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface SandboxVaultSecretSeed {
  readonly name: string;
  /** Never log it. */
  readonly value: string;
  readonly contentType?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly enabled?: boolean;
  readonly expiresOn?: Date;
  readonly notBefore?: Date;
}
