import type { ServiceClient } from '@azure/core-client';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { resourceTypeOf } from './resource-type-of';

/** Providers_GetAtTenantScope: readable by any signed-in principal, no role needed. */
export const PROVIDERS_API_VERSION = '2021-04-01';

/**
 * API versions for the generic resource GET, which ARM refuses without a version the type supports.
 * Common types are built in (no extra call); any other type is looked up once per process from its
 * provider at tenant scope, through the customer's own ARM pipeline (so it is authenticated, retried
 * and audited like every read), and the newest stable version is used.
 */
export const BUILT_IN_API_VERSIONS: Readonly<Record<string, string>> = {
  'microsoft.fabric/capacities': '2023-11-01',
  'microsoft.powerbidedicated/capacities': '2021-01-01',
  'microsoft.compute/virtualmachines': '2024-07-01',
  'microsoft.storage/storageaccounts': '2023-05-01',
  'microsoft.web/sites': '2023-12-01',
  'microsoft.sql/servers/databases': '2023-08-01',
};

/** Used only when the provider cannot be asked; every listed provider accepts it for reads. */
export const FALLBACK_API_VERSION = '2022-09-01';

/** Any ARM client's pipeline (the customer's credential, retries, audit): the lookup is sent through it. */
export type ApiVersionClient = Pick<ServiceClient, 'sendRequest'>;

export class ApiVersionResolver {
  /** Per resource type: versions are global to a provider, so one lookup serves every customer. */
  private readonly resolved = new Map<string, Promise<string>>();

  constructor(
    /** The ARM endpoint (the classic client's `$host` keeps the public cloud's even when `endpoint` is set). */
    private readonly armEndpoint: string,
    private readonly builtIn: Readonly<Record<string, string>> = BUILT_IN_API_VERSIONS,
  ) {}

  /**
   * The API version to read `resourceId` with. Never throws: a failed lookup falls back. An answer that
   * the provider lists no version for the type (or does not exist) is kept like a found version, so an
   * unknown type costs one lookup per process, not one per resource and hour; a transient failure
   * (throttling, 5xx, timeout) is asked again next time.
   */
  resolve(client: ApiVersionClient, resourceId: string, abortSignal?: AbortSignal): Promise<string> {
    const typeAsWritten = resourceTypeOf(resourceId);
    const type = typeAsWritten.toLowerCase();
    const builtIn = this.builtIn[type];
    if (builtIn) return Promise.resolve(builtIn);
    let pending = this.resolved.get(type);
    if (!pending) {
      // The provider namespace keeps its casing in the URL (`Microsoft.Cache`), as Azure's docs write it.
      pending = lookUp(client, this.armEndpoint, typeAsWritten, abortSignal).catch((error: unknown) => {
        // A transient failure must not pin the fallback for the process; a definite "not found" may.
        if (!(error instanceof ApiVersionNotFound)) this.resolved.delete(type);
        return FALLBACK_API_VERSION;
      });
      this.resolved.set(type, pending);
    }
    return pending;
  }
}

async function lookUp(
  client: ApiVersionClient,
  armEndpoint: string,
  type: string,
  abortSignal?: AbortSignal,
): Promise<string> {
  const [namespace = '', ...segments] = type.split('/');
  const url = `${armEndpoint.replace(/\/+$/, '')}/providers/${namespace}?api-version=${PROVIDERS_API_VERSION}`;
  const response = await client.sendRequest(createPipelineRequest({ url, ...(abortSignal ? { abortSignal } : {}) }));
  if (response.status === 404) throw new ApiVersionNotFound(`provider ${namespace} is not registered`);
  if (response.status !== 200) throw new Error(`provider lookup for ${namespace} answered ${response.status}`);
  const body = JSON.parse(response.bodyAsText ?? '{}') as {
    resourceTypes?: Array<{ resourceType?: string; apiVersions?: string[] }>;
  };
  const wanted = segments.join('/').toLowerCase();
  const versions = body.resourceTypes?.find((t) => t.resourceType?.toLowerCase() === wanted)?.apiVersions ?? [];
  const chosen = newestStable(versions);
  if (!chosen) throw new ApiVersionNotFound(`provider ${namespace} lists no API version for ${wanted}`);
  return chosen;
}

/** The provider answered, and has no version for the type: an answer worth keeping. */
class ApiVersionNotFound extends Error {}

/** Newest non-preview version (ISO dates sort as strings); a preview only when nothing else exists. */
export function newestStable(versions: readonly string[]): string | undefined {
  const sorted = [...versions].sort().reverse();
  return sorted.find((v) => !/preview|alpha|beta/i.test(v)) ?? sorted[0];
}
