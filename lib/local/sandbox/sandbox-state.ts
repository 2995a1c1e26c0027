import { createHash, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { AppError } from '../../errors/app-error';
import type { EntraTransientErrorCode } from './build-entra-error';
import type {
  SandboxAppSeed,
  SandboxCertificateSeed,
  SandboxClientSecretSeed,
  SandboxDelegationSeed,
  SandboxFederatedCredentialSeed,
  SandboxResourceSeed,
  SandboxRoleName,
  SandboxSeed,
  SandboxVaultSecretSeed,
} from './sandbox-seed';
import type { SandboxService } from './sandbox-request-log';
import { ARM_READ_LIMITS, QuotaWindows, RESOURCE_GRAPH_LIMITS, TokenBuckets } from './sandbox-throttle';
import { SandboxBlobStore } from './sandbox-blob-store';
import { SandboxPowerBi } from './power-bi/sandbox-power-bi';
import { SandboxLogsIngestion } from './sandbox-logs-ingestion';

export interface SandboxTenant {
  readonly tenantId: string;
  displayName: string;
}

export interface SandboxSubscription {
  readonly subscriptionId: string;
  tenantId: string;
  displayName: string;
}

export interface SandboxClientSecret {
  readonly keyId: string;
  readonly value: string;
  expiresAt: Date;
}

export interface SandboxApp {
  readonly tenantId: string;
  readonly clientId: string;
  readonly objectId: string;
  displayName: string;
  enabled: boolean;
  deleted: boolean;
  readonly secrets: SandboxClientSecret[];
  readonly federatedCredentials: SandboxFederatedCredentialSeed[];
  readonly certificates: SandboxCertificate[];
}

/** A registered certificate credential, indexed by the thumbprints a client assertion names. */
export interface SandboxCertificate {
  /** SHA-1 of the DER, base64url: the `x5t` header. */
  readonly x5t: string;
  /** SHA-256 of the DER, base64url: the `x5t#S256` header. */
  readonly x5tS256: string;
  readonly publicKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A Lighthouse delegation (see SandboxDelegationSeed). */
export type SandboxDelegation = SandboxDelegationSeed;

/** Who a token was issued to, as the resource servers see it. */
export interface SandboxPrincipal {
  readonly kind: 'servicePrincipal' | 'managedIdentity';
  readonly tenantId: string;
  readonly objectId: string;
  readonly clientId: string;
}

export interface SandboxRoleAssignment {
  /** Assignment name (a GUID), as in `.../roleAssignments/{name}`. */
  readonly name: string;
  readonly principalId: string;
  readonly scope: string;
  readonly roleName: SandboxRoleName;
  readonly createdOn: Date;
}

export interface SandboxResource {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  location: string;
  kind?: string;
  sku?: Readonly<Record<string, unknown>>;
  properties: Readonly<Record<string, unknown>>;
  tags: Readonly<Record<string, string>>;
}

export interface SandboxVaultSecretVersion {
  readonly name: string;
  readonly version: string;
  readonly value: string;
  contentType?: string;
  tags?: Readonly<Record<string, string>>;
  enabled: boolean;
  expiresOn?: Date;
  notBefore?: Date;
  readonly created: Date;
  updated: Date;
}

export interface SandboxDeletedSecret {
  readonly latest: SandboxVaultSecretVersion;
  readonly versions: SandboxVaultSecretVersion[];
  readonly deletedDate: Date;
}

/** A scripted failure: the next `times` matching requests get `status` instead of an answer. */
export interface SandboxFault {
  readonly service: SandboxService;
  /** Receives the normalised path (no query, single slashes). */
  readonly match: (path: string) => boolean;
  /** 529 is the metrics batch API's throttling answer. */
  readonly status: 429 | 500 | 503 | 529;
  readonly retryAfterSeconds?: number;
  readonly times: number;
  /**
   * Entra only: the transient AADSTS code in the body (default: 90033 for 5xx, 90055 for 429), or
   * `null` for a bare status with no body, as a gateway in front of Entra answers.
   */
  readonly entraCode?: EntraTransientErrorCode | null;
}

export interface SetVaultSecretOptions {
  readonly contentType?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly enabled?: boolean;
  readonly expiresOn?: Date;
  readonly notBefore?: Date;
}

const DEFAULT_HOME_TENANT = '6f1a1b2c-0000-4000-8000-00000000a0a0';
export const DEFAULT_HOME_SUBSCRIPTION = '6f1a1b2c-0000-4000-8000-00000000a5a5';
export const DEFAULT_MANAGED_IDENTITY = {
  clientId: '6f1a1b2c-0000-4000-8000-0000000011c1',
  objectId: '6f1a1b2c-0000-4000-8000-0000000011d1',
};

/**
 * The sandbox cloud's mutable world: tenants, app registrations, the managed identity, role
 * assignments, ARM resources and the provider's Key Vault. Tests change it between calls to
 * produce every failure a real cloud can give (expired secret, removed role, deleted app...).
 * Lookups are case-insensitive where Azure's are (GUIDs, resource ids, secret names).
 */
/** Platform metrics are 1–3 minutes late in practice (see generate-metric-series.ts): the sandbox uses the slow end. */
const DEFAULT_METRIC_INGESTION_DELAY_S = 180;

export class SandboxState {
  readonly homeTenantId: string;
  readonly managedIdentity: { readonly clientId: string; readonly objectId: string };
  /** ARM id of the provider's vault: the scope Key Vault role assignments must cover. */
  readonly vaultResourceId: string;
  readonly now: () => Date;
  /**
   * How long after a minute ends its metric sample can be read (Azure Monitor's ingestion delay);
   * undefined: every sample is there at once. Tests may change it.
   */
  metricIngestionDelayMs: number | undefined;
  /** Containers and blobs of the storage accounts served by the storage front. */
  readonly blobs = new SandboxBlobStore();
  /** ARM reads per principal × subscription (token bucket 250 / 25 per s); see sandbox-throttle.ts. */
  readonly armReads = new TokenBuckets(ARM_READ_LIMITS);
  /** ARM tenant-level reads per principal × tenant (same limits). */
  readonly tenantReads = new TokenBuckets(ARM_READ_LIMITS);
  /** Resource Graph queries per principal (15 per 5 s window). */
  readonly resourceGraphQuota = new QuotaWindows(RESOURCE_GRAPH_LIMITS);
  /** Added before every answer from a cloud service (Entra, Key Vault, ARM, metrics, storage): the network. */
  latencyMs = 0;
  /** Power BI and Fabric REST: tenant settings, workspaces, the Capacity Metrics model, capacities. */
  readonly powerBi: SandboxPowerBi;
  /** Data collection rules and what the Logs Ingestion API received through them. */
  readonly logsIngestion = new SandboxLogsIngestion();

  readonly #tenants = new Map<string, SandboxTenant>();
  readonly #subscriptions = new Map<string, SandboxSubscription>();
  readonly #apps = new Map<string, SandboxApp>();
  readonly #roleAssignments: SandboxRoleAssignment[] = [];
  readonly #resources = new Map<string, SandboxResource>();
  readonly #secrets = new Map<string, SandboxVaultSecretVersion[]>();
  readonly #deletedSecrets = new Map<string, SandboxDeletedSecret>();
  readonly #faults: { fault: SandboxFault; remaining: number }[] = [];
  readonly #delegations: SandboxDelegation[] = [];

  constructor(seed: SandboxSeed = {}, now: () => Date = () => new Date()) {
    this.now = now;
    this.powerBi = new SandboxPowerBi(seed.powerBi);
    this.metricIngestionDelayMs =
      seed.metricIngestionDelaySeconds === null
        ? undefined
        : (seed.metricIngestionDelaySeconds ?? DEFAULT_METRIC_INGESTION_DELAY_S) * 1000;
    this.homeTenantId = seed.homeTenantId ?? DEFAULT_HOME_TENANT;
    this.managedIdentity = seed.managedIdentity ?? DEFAULT_MANAGED_IDENTITY;
    this.vaultResourceId =
      seed.vaultResourceId ??
      `/subscriptions/${DEFAULT_HOME_SUBSCRIPTION}/resourceGroups/rg-collector/providers/Microsoft.KeyVault/vaults/kv-sandbox`;
    this.addTenant(this.homeTenantId, 'Provider (home tenant)');
    for (const tenant of seed.tenants ?? []) this.addTenant(tenant.tenantId, tenant.displayName);
    const vaultSubscription = subscriptionOf(this.vaultResourceId);
    if (vaultSubscription) this.addSubscription(vaultSubscription, this.homeTenantId, 'Provider subscription');
    for (const sub of seed.subscriptions ?? []) this.addSubscription(sub.subscriptionId, sub.tenantId, sub.displayName);
    for (const app of seed.apps ?? []) this.addApp(app);
    for (const assignment of seed.roleAssignments ?? [])
      this.assignRole(assignment.principalId, assignment.scope, assignment.roleName);
    for (const resource of seed.resources ?? []) this.putResource(resource);
    for (const secret of seed.vaultSecrets ?? []) this.setVaultSecret(secret.name, secret.value, secret);
    for (const delegation of seed.delegations ?? []) this.delegate(delegation);
    for (const c of seed.storageContainers ?? []) this.blobs.createContainer(c.account, c.container, this.now());
    for (const rule of seed.dataCollectionRules ?? []) this.logsIngestion.addRule(rule);
  }

  // ----- tenants and subscriptions -----

  /** Adds (or renames) a tenant. */
  addTenant(tenantId: string, displayName = `Tenant ${tenantId}`): SandboxTenant {
    const tenant = { tenantId, displayName };
    this.#tenants.set(key(tenantId), tenant);
    return tenant;
  }

  /** Removes a tenant, so Entra answers AADSTS90002 for it. */
  removeTenant(tenantId: string): boolean {
    return this.#tenants.delete(key(tenantId));
  }

  findTenant(tenantId: string): SandboxTenant | undefined {
    return this.#tenants.get(key(tenantId));
  }

  /** Adds a subscription owned by `tenantId` (moving it if it exists). */
  addSubscription(
    subscriptionId: string,
    tenantId: string,
    displayName = `Subscription ${subscriptionId}`,
  ): SandboxSubscription {
    const subscription = { subscriptionId, tenantId, displayName };
    this.#subscriptions.set(key(subscriptionId), subscription);
    return subscription;
  }

  findSubscription(subscriptionId: string): SandboxSubscription | undefined {
    return this.#subscriptions.get(key(subscriptionId));
  }

  // ----- app registrations -----

  /** Registers an app and its service principal in a tenant (the tenant must exist). */
  addApp(seed: SandboxAppSeed): SandboxApp {
    if (!this.findTenant(seed.tenantId)) {
      throw new AppError({
        kind: 'validation',
        code: 'SandboxUnknownTenant',
        message: `Add tenant ${seed.tenantId} before its apps`,
      });
    }
    const app: SandboxApp = {
      tenantId: seed.tenantId,
      clientId: seed.clientId,
      objectId: seed.objectId,
      displayName: seed.displayName ?? `app-${seed.clientId.slice(0, 8)}`,
      enabled: seed.enabled ?? true,
      deleted: false,
      secrets: [],
      federatedCredentials: [...(seed.federatedCredentials ?? [])],
      certificates: [],
    };
    this.#apps.set(appKey(seed.tenantId, seed.clientId), app);
    for (const secret of seed.secrets ?? []) this.addClientSecret(seed.tenantId, seed.clientId, secret);
    for (const certificate of seed.certificates ?? []) this.addCertificate(seed.tenantId, seed.clientId, certificate);
    return app;
  }

  /** Registers a certificate credential (public part) on an app, as `New-AzADAppCredential -CertValue` does. */
  addCertificate(tenantId: string, clientId: string, seed: SandboxCertificateSeed): SandboxCertificate {
    const x509 = new X509Certificate(seed.certificatePem);
    const certificate: SandboxCertificate = {
      x5t: createHash('sha1').update(x509.raw).digest('base64url'),
      x5tS256: createHash('sha256').update(x509.raw).digest('base64url'),
      publicKey: x509.publicKey,
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
    };
    this.#requireApp(tenantId, clientId).certificates.push(certificate);
    return certificate;
  }

  /** Removes every certificate credential of an app (the assertion then names an unknown key). */
  removeCertificates(tenantId: string, clientId: string): number {
    const certificates = this.#requireApp(tenantId, clientId).certificates;
    const count = certificates.length;
    certificates.length = 0;
    return count;
  }

  /** Adds a client secret to an app; returns it (its value is what the customer shares). */
  addClientSecret(tenantId: string, clientId: string, secret: SandboxClientSecretSeed): SandboxClientSecret {
    const app = this.#requireApp(tenantId, clientId);
    const created: SandboxClientSecret = {
      keyId: secret.keyId ?? randomUUID(),
      value: secret.value,
      expiresAt: secret.expiresAt,
    };
    app.secrets.push(created);
    return created;
  }

  /** Removes one client secret by its key id. */
  removeClientSecret(tenantId: string, clientId: string, keyId: string): boolean {
    const app = this.#requireApp(tenantId, clientId);
    const index = app.secrets.findIndex((s) => s.keyId === keyId);
    if (index < 0) return false;
    app.secrets.splice(index, 1);
    return true;
  }

  /** Adds a federated identity credential (issuer, subject, audience) to an app. */
  addFederatedCredential(tenantId: string, clientId: string, credential: SandboxFederatedCredentialSeed): void {
    this.#requireApp(tenantId, clientId).federatedCredentials.push(credential);
  }

  /** Enables or disables the app's service principal (disabled: AADSTS7000112). */
  setAppEnabled(tenantId: string, clientId: string, enabled: boolean): void {
    this.#requireApp(tenantId, clientId).enabled = enabled;
  }

  /** Deletes an app (AADSTS700016 from then on); `restore` brings it back. */
  deleteApp(tenantId: string, clientId: string, restore = false): void {
    this.#requireApp(tenantId, clientId).deleted = !restore;
  }

  /** The app registration, deleted or not; `undefined` when it never existed. */
  findApp(tenantId: string, clientId: string): SandboxApp | undefined {
    return this.#apps.get(appKey(tenantId, clientId));
  }

  /** Resolves an object id inside a tenant to a principal that can hold roles there. */
  findPrincipal(tenantId: string, objectId: string): SandboxPrincipal | undefined {
    if (same(tenantId, this.homeTenantId) && same(objectId, this.managedIdentity.objectId)) {
      return { kind: 'managedIdentity', tenantId, objectId, clientId: this.managedIdentity.clientId };
    }
    for (const app of this.#apps.values()) {
      if (!app.deleted && same(app.tenantId, tenantId) && same(app.objectId, objectId)) {
        return { kind: 'servicePrincipal', tenantId, objectId, clientId: app.clientId };
      }
    }
    return undefined;
  }

  // ----- role assignments -----

  /** Assigns a role at a scope (subscription, resource group or resource). */
  assignRole(principalId: string, scope: string, roleName: SandboxRoleName): SandboxRoleAssignment {
    const assignment = { name: randomUUID(), principalId, scope: trimScope(scope), roleName, createdOn: this.now() };
    this.#roleAssignments.push(assignment);
    return assignment;
  }

  /** Removes matching assignments (all roles when `roleName` is omitted); returns how many. */
  removeRole(principalId: string, scope: string, roleName?: SandboxRoleName): number {
    let removed = 0;
    for (let i = this.#roleAssignments.length - 1; i >= 0; i--) {
      const a = this.#roleAssignments[i];
      if (
        a &&
        same(a.principalId, principalId) &&
        same(a.scope, trimScope(scope)) &&
        (!roleName || a.roleName === roleName)
      ) {
        this.#roleAssignments.splice(i, 1);
        removed++;
      }
    }
    return removed;
  }

  /** Assignments at `scope` or a parent of it (what ARM's `atScope()` list returns). */
  listRoleAssignments(scope: string): readonly SandboxRoleAssignment[] {
    return this.#roleAssignments.filter((a) => coversScope(a.scope, scope));
  }

  /**
   * True when the principal holds one of `roles` on `scope` or a parent scope. An assignment
   * only counts when the principal lives in the tenant that owns the scope's subscription:
   * a managed identity named in another tenant's assignment cannot be resolved there.
   */
  hasRole(principal: SandboxPrincipal, scope: string, roles: readonly SandboxRoleName[]): boolean {
    const subscriptionId = subscriptionOf(scope);
    const owner = subscriptionId ? this.findSubscription(subscriptionId) : undefined;
    if (!owner) return false;
    if (!same(owner.tenantId, principal.tenantId)) {
      // Lighthouse: a managing-tenant principal holds exactly the roles the delegation grants it.
      return this.#delegations.some(
        (d) =>
          same(d.managingTenantId, principal.tenantId) &&
          same(d.principalId, principal.objectId) &&
          roles.includes(d.roleName) &&
          coversScope(d.scope, scope) &&
          this.findPrincipal(principal.tenantId, principal.objectId) !== undefined,
      );
    }
    if (!this.findPrincipal(principal.tenantId, principal.objectId)) return false;
    return this.#roleAssignments.some(
      (a) => same(a.principalId, principal.objectId) && roles.includes(a.roleName) && coversScope(a.scope, scope),
    );
  }

  // ----- Azure Lighthouse -----

  /** Delegates a customer scope to a principal of a managing tenant (a registration assignment). */
  delegate(delegation: SandboxDelegationSeed): SandboxDelegation {
    const created = { ...delegation, scope: trimScope(delegation.scope) };
    this.#delegations.push(created);
    return created;
  }

  /** Removes the delegations of `scope` (the customer revoking Lighthouse); returns how many. */
  removeDelegation(scope: string, managingTenantId?: string): number {
    let removed = 0;
    for (let i = this.#delegations.length - 1; i >= 0; i--) {
      const d = this.#delegations[i];
      if (d && same(d.scope, trimScope(scope)) && (!managingTenantId || same(d.managingTenantId, managingTenantId))) {
        this.#delegations.splice(i, 1);
        removed++;
      }
    }
    return removed;
  }

  /** True when `tenantId` manages some scope of the subscription through Lighthouse. */
  isDelegatedTo(subscriptionId: string, tenantId: string): boolean {
    return this.#delegations.some(
      (d) => same(subscriptionOf(d.scope) ?? '', subscriptionId) && same(d.managingTenantId, tenantId),
    );
  }

  // ----- ARM resources -----

  /** Creates or replaces a resource; its subscription must exist. */
  putResource(seed: SandboxResourceSeed): SandboxResource {
    const parsed = parseResourceId(seed.id);
    if (!parsed || !this.findSubscription(parsed.subscriptionId)) {
      throw new AppError({
        kind: 'validation',
        code: 'SandboxUnknownSubscription',
        message: `No subscription for resource ${seed.id}`,
      });
    }
    const resource: SandboxResource = {
      id: seed.id,
      name: parsed.name,
      type: seed.type ?? parsed.type,
      location: seed.location,
      ...(seed.kind ? { kind: seed.kind } : {}),
      ...(seed.sku ? { sku: seed.sku } : {}),
      properties: seed.properties ?? {},
      tags: seed.tags ?? {},
    };
    this.#resources.set(key(seed.id), resource);
    return resource;
  }

  removeResource(resourceId: string): boolean {
    return this.#resources.delete(key(resourceId));
  }

  /** Every resource, ordered by ID (case-insensitive), as Resource Graph pages them. */
  listResources(): readonly SandboxResource[] {
    return [...this.#resources.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  }

  findResource(resourceId: string): SandboxResource | undefined {
    return this.#resources.get(key(trimScope(resourceId)));
  }

  /** Changes a resource's properties in place (e.g. pause a Fabric capacity). */
  updateResourceProperties(resourceId: string, properties: Readonly<Record<string, unknown>>): SandboxResource {
    const resource = this.findResource(resourceId);
    if (!resource)
      throw new AppError({ kind: 'notFound', code: 'SandboxUnknownResource', message: `No resource ${resourceId}` });
    resource.properties = { ...resource.properties, ...properties };
    return resource;
  }

  /** The storage account resource named `name` (account names are unique across Azure). */
  findStorageAccount(name: string): SandboxResource | undefined {
    for (const resource of this.#resources.values()) {
      if (same(resource.type, 'Microsoft.Storage/storageAccounts') && same(resource.name, name)) return resource;
    }
    return undefined;
  }

  // ----- Key Vault -----

  /** Adds a new current version of a vault secret (restores nothing: a deleted name is purged). */
  setVaultSecret(
    name: string,
    value: string,
    options: SetVaultSecretOptions | SandboxVaultSecretSeed = {},
  ): SandboxVaultSecretVersion {
    this.#deletedSecrets.delete(key(name));
    const now = this.now();
    const version: SandboxVaultSecretVersion = {
      name,
      version: randomUUID().replace(/-/g, ''),
      value,
      enabled: options.enabled ?? true,
      created: now,
      updated: now,
      ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
      ...(options.expiresOn ? { expiresOn: options.expiresOn } : {}),
      ...(options.notBefore ? { notBefore: options.notBefore } : {}),
    };
    const versions = this.#secrets.get(key(name)) ?? [];
    versions.push(version);
    this.#secrets.set(key(name), versions);
    return version;
  }

  /** The current version, or a named one. */
  findVaultSecret(name: string, version?: string): SandboxVaultSecretVersion | undefined {
    const versions = this.#secrets.get(key(name));
    if (!versions) return undefined;
    return version ? versions.find((v) => same(v.version, version)) : versions[versions.length - 1];
  }

  /** Every version of a live secret, oldest first (none when it does not exist or is deleted). */
  listVaultSecretVersions(name: string): readonly SandboxVaultSecretVersion[] {
    return [...(this.#secrets.get(key(name)) ?? [])];
  }

  /** Current versions of all live secrets. */
  listVaultSecrets(): readonly SandboxVaultSecretVersion[] {
    return [...this.#secrets.values()].flatMap((versions) => versions.slice(-1));
  }

  /** Soft-deletes a secret (all versions); returns the deleted record. */
  deleteVaultSecret(name: string): SandboxDeletedSecret | undefined {
    const versions = this.#secrets.get(key(name));
    const latest = versions?.[versions.length - 1];
    if (!versions || !latest) return undefined;
    this.#secrets.delete(key(name));
    const deleted = { latest, versions, deletedDate: this.now() };
    this.#deletedSecrets.set(key(name), deleted);
    return deleted;
  }

  findDeletedVaultSecret(name: string): SandboxDeletedSecret | undefined {
    return this.#deletedSecrets.get(key(name));
  }

  /** Brings a soft-deleted secret back with all its versions (and their tags); undefined when none is deleted. */
  recoverDeletedVaultSecret(name: string): SandboxVaultSecretVersion | undefined {
    const deleted = this.#deletedSecrets.get(key(name));
    if (!deleted) return undefined;
    this.#deletedSecrets.delete(key(name));
    this.#secrets.set(key(name), deleted.versions);
    return deleted.latest;
  }

  /** Removes a soft-deleted secret for good; false when none is deleted. */
  purgeDeletedVaultSecret(name: string): boolean {
    return this.#deletedSecrets.delete(key(name));
  }

  // ----- faults -----

  /** Scripts a failure for the next `times` matching requests of one service. */
  injectFault(fault: SandboxFault): void {
    this.#faults.push({ fault, remaining: fault.times });
  }

  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Consumes one use of the first matching fault, if any. */
  takeFault(service: SandboxService, path: string): SandboxFault | undefined {
    const entry = this.#faults.find((f) => f.remaining > 0 && f.fault.service === service && f.fault.match(path));
    if (!entry) return undefined;
    entry.remaining--;
    return entry.fault;
  }

  #requireApp(tenantId: string, clientId: string): SandboxApp {
    const app = this.findApp(tenantId, clientId);
    if (!app)
      throw new AppError({
        kind: 'notFound',
        code: 'SandboxUnknownApp',
        message: `No app ${clientId} in tenant ${tenantId}`,
      });
    return app;
  }
}

export interface ParsedResourceId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly provider: string;
  /** `Microsoft.Fabric/capacities` (nested: `Microsoft.Sql/servers/databases`). */
  readonly type: string;
  readonly name: string;
}

/** Splits a full ARM resource id; `undefined` for subscription or resource-group scopes. */
export function parseResourceId(resourceId: string): ParsedResourceId | undefined {
  const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i.exec(
    trimScope(resourceId),
  );
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, provider, rest] = match;
  const segments = (rest ?? '').split('/');
  if (!subscriptionId || !resourceGroup || !provider || segments.length < 2 || segments.length % 2 !== 0)
    return undefined;
  const types = segments.filter((_, i) => i % 2 === 0);
  const name = segments[segments.length - 1] ?? '';
  return { subscriptionId, resourceGroup, provider, type: [provider, ...types].join('/'), name };
}

/** The subscription id of any scope below `/subscriptions/{id}`. */
export function subscriptionOf(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
}

function coversScope(assignmentScope: string, scope: string): boolean {
  const parent = key(trimScope(assignmentScope));
  const child = key(trimScope(scope));
  return child === parent || child.startsWith(`${parent}/`);
}

function trimScope(scope: string): string {
  return scope.replace(/\/+$/, '');
}

function key(value: string): string {
  return value.toLowerCase();
}

function appKey(tenantId: string, clientId: string): string {
  return `${key(tenantId)}|${key(clientId)}`;
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
