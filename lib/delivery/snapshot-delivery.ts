import type { TokenCredential } from '@azure/identity';
import { BlockBlobClient, type StoragePipelineOptions } from '@azure/storage-blob';
import type { DeliveryTarget } from '../customers/customer';
import { diagnoseError, type Diagnosis } from '../diagnose/diagnose-error';
import type { DiagnosisContext } from '../diagnose/diagnosis-catalogue';
import type { AdditionalPolicies } from '../resources/arm-clients';
import { warmUpTokenOptions } from '../auth/acquire-customer-token';
import { AppError } from '../errors/app-error';
import { checkServiceUrl, type ServiceHostAllowList } from '../trust/service-host-allow-list';

/** Azure Storage's token scope in the public cloud (STORAGE_AUDIENCE overrides it, e.g. for sovereign clouds). */
export const STORAGE_SCOPE = 'https://storage.azure.com/.default';
/** Where the connection test writes (and at once deletes) its probe blob in the customer's container. */
export const DELIVERY_PROBE_PREFIX = 'ctc-connection-test/';

export type DeliveryOutcome =
  { readonly ok: true; readonly blobUrl: string } | { readonly ok: false; readonly diagnosis: Diagnosis };

/** Who is delivering: the customer's credential and the facts that go into a diagnosis. */
export interface DeliveryCaller {
  readonly target: DeliveryTarget;
  /** The customer's credential (the same one that reads ARM): its token is requested from the customer's tenant. */
  readonly credential: TokenCredential;
  readonly context: DiagnosisContext;
  /** Values to redact from any message (the customer's secret). */
  readonly knownSecrets: readonly (string | undefined)[];
}

/**
 * Writes snapshots into a container of the customer's own storage account, authenticated as the
 * customer's principal (token for Azure Storage from the customer's tenant), and explains any failure.
 * It never throws: a delivery failure must not cost the data already stored on the provider side.
 */
export class SnapshotDelivery {
  private readonly pipelineOptions: StoragePipelineOptions & { additionalPolicies: AdditionalPolicies };

  constructor(
    private readonly options: {
      readonly httpTimeoutMs: number;
      /** Pipeline policies for the calls into the customer's storage (the access audit). */
      readonly additionalPolicies?: AdditionalPolicies;
      /** Token scope for Azure Storage; default STORAGE_SCOPE. */
      readonly storageScope?: string;
      /** The only hosts a delivery (and so the customer's Storage token) may go to. */
      readonly allowedHosts: ServiceHostAllowList;
    },
  ) {
    this.pipelineOptions = {
      // The blob clients ask for this scope too, so the warm-up token below is the one they reuse.
      audience: this.storageScope,
      // Storage's default retry waits up to minutes; a run must not stall on a customer's storage.
      retryOptions: { maxTries: 2, retryDelayInMs: 500, maxRetryDelayInMs: 2000 },
      // Not in StoragePipelineOptions' type, but passed on to the core client like every SDK's option. A client
      // built from another client (getContainerClient...) would add the policies twice to the shared pipeline
      // (an error), so every blob gets its own client.
      additionalPolicies: [...(options.additionalPolicies ?? [])],
    };
  }

  private get storageScope(): string {
    return this.options.storageScope ?? STORAGE_SCOPE;
  }

  /** Writes (overwrites) `blobName` with the JSON `body`. The name is deterministic, so retries replace it. */
  async deliver(caller: DeliveryCaller, blobName: string, body: string): Promise<DeliveryOutcome> {
    return this.attempt(caller, async (blob) => {
      const client = blob(blobName);
      await client.upload(body, Buffer.byteLength(body), {
        blobHTTPHeaders: { blobContentType: 'application/json' },
        abortSignal: AbortSignal.timeout(this.options.httpTimeoutMs),
      });
      return client.url;
    });
  }

  /** Proves delivery works now: writes a small probe blob and deletes it again. */
  async probe(caller: DeliveryCaller, now: Date): Promise<DeliveryOutcome> {
    return this.attempt(caller, async (blob) => {
      const client = blob(`${DELIVERY_PROBE_PREFIX}${now.toISOString().replace(/[-:.]/g, '')}.txt`);
      const body = 'connection test of the metrics collector; deleted right after it was written';
      const signal = () => AbortSignal.timeout(this.options.httpTimeoutMs);
      await client.upload(body, Buffer.byteLength(body), { abortSignal: signal() });
      await client.delete({ abortSignal: signal() });
      return client.url;
    });
  }

  private async attempt(
    caller: DeliveryCaller,
    work: (blob: (name: string) => BlockBlobClient) => Promise<string>,
  ): Promise<DeliveryOutcome> {
    const context: DiagnosisContext = {
      ...caller.context,
      storageAccountUrl: caller.target.blobServiceUrl,
      container: caller.target.container,
    };
    let objectId: string | undefined;
    try {
      // Checked here too, not only at onboarding: a registration from before the allow-list, or a changed
      // setting, must still never carry the customer's token anywhere but Azure Storage.
      const host = checkServiceUrl(caller.target.blobServiceUrl, this.options.allowedHosts);
      if (!host.ok) {
        throw new AppError({
          kind: 'customerAccess',
          code: 'DeliveryHostNotAllowed',
          message: `Delivery URL ${host.reason}`,
        });
      }
      // Asked for up front (cached by the credential) so token failures are told apart from Storage's,
      // and so a 403 can name the principal's object id in the fix commands.
      const token = await caller.credential.getToken(this.storageScope, warmUpTokenOptions(this.options.httpTimeoutMs));
      objectId = token ? readObjectId(token.token) : undefined;
      const credential = pinTenant(caller.credential);
      const containerUrl = `${caller.target.blobServiceUrl}/${caller.target.container}`;
      const blobUrl = await work(
        (name) => new BlockBlobClient(`${containerUrl}/${encodeBlobName(name)}`, credential, this.pipelineOptions),
      );
      return { ok: true, blobUrl };
    } catch (error) {
      const filled = { ...context, ...(objectId ? { objectId } : {}), ...challengedTenant(error) };
      return { ok: false, diagnosis: diagnoseError(error, 'delivery', filled, caller.knownSecrets) };
    }
  }
}

/**
 * Keeps the token in the customer's tenant. On a 401, Storage's challenge names the account's tenant and the
 * SDK asks the credential for a token there; a credential built for one tenant refuses, and the SDK's token
 * cycler swallows that refusal and retries every 3 s until the current token expires (about an hour), so the
 * upload hangs. Ignoring the challenged tenant makes the retry fail at once with Storage's own 401, which
 * diagnosis explains; asking another tenant for a token is never what we want anyway.
 */
function pinTenant(credential: TokenCredential): TokenCredential {
  return {
    getToken: (scopes, options) => {
      const { tenantId: _challenged, ...rest } = options ?? {};
      return credential.getToken(scopes, rest);
    },
  };
}

/** Each path segment of a blob name percent-encoded; the slashes stay (virtual directories). */
function encodeBlobName(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

/** The `oid` claim of our own, just-issued access token (read only to name the principal; not a trust decision). */
function readObjectId(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      oid?: unknown;
    };
    return typeof payload.oid === 'string' ? payload.oid : undefined;
  } catch {
    return undefined;
  }
}

/** The tenant a Storage 401 challenge names (`authorization_uri=https://login…/{tenant}/oauth2/authorize`). */
function challengedTenant(error: unknown): { expectedTenantId?: string } {
  const headers = (error as { response?: { headers?: { get?: (name: string) => string | undefined } } }).response
    ?.headers;
  const challenge = typeof headers?.get === 'function' ? headers.get('www-authenticate') : undefined;
  const tenant = challenge ? /authorization_uri=https?:\/\/[^/\s]+\/([0-9a-f-]{36})/i.exec(challenge)?.[1] : undefined;
  return tenant ? { expectedTenantId: tenant } : {};
}
