/**
 * API versions the sandbox's resource providers support, newest first, per resource type (lower case).
 * Like ARM, a resource GET with a version not listed for its type is refused; types not listed here
 * accept any version (the sandbox stays permissive for resources tests add ad hoc).
 */
export const PROVIDER_API_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  'microsoft.fabric/capacities': ['2025-01-15-preview', '2023-11-01'],
  'microsoft.powerbidedicated/capacities': ['2021-01-01', '2017-10-01'],
  'microsoft.compute/virtualmachines': ['2024-11-01', '2024-07-01', '2024-03-01'],
  'microsoft.storage/storageaccounts': ['2024-01-01', '2023-05-01', '2023-01-01'],
  'microsoft.storage/storageaccounts/blobservices': ['2024-01-01', '2023-05-01', '2023-01-01'],
  // A type the collector has no built-in version for: it must ask the provider.
  'microsoft.cache/redis': ['2024-11-01-preview', '2024-03-01', '2023-08-01'],
};

/** `/providers/{namespace}` at tenant scope, in ARM's Providers_GetAtTenantScope shape. */
export function providerBody(namespace: string): { status: number; body: unknown } {
  const prefix = `${namespace.toLowerCase()}/`;
  const types = Object.entries(PROVIDER_API_VERSIONS).filter(([type]) => type.startsWith(prefix));
  if (types.length === 0) {
    return {
      status: 404,
      body: {
        error: { code: 'InvalidResourceNamespace', message: `The resource namespace '${namespace}' is invalid.` },
      },
    };
  }
  return {
    status: 200,
    body: {
      id: `/providers/${namespace}`,
      namespace,
      resourceTypes: types.map(([type, apiVersions]) => ({
        resourceType: type.slice(prefix.length),
        locations: ['West Europe', 'North Europe'],
        apiVersions,
        capabilities: 'None',
      })),
    },
  };
}

/** ARM's answer to a GET whose api-version the type does not support, or undefined when it is fine. */
export function unsupportedApiVersion(type: string, apiVersion: string): unknown {
  const supported = PROVIDER_API_VERSIONS[type.toLowerCase()];
  if (!supported || supported.includes(apiVersion)) return undefined;
  const [namespace = '', ...rest] = type.split('/');
  return {
    error: {
      code: 'NoRegisteredProviderFound',
      message:
        `No registered resource provider found for location 'westeurope' and API version '${apiVersion}' for type '${rest.join('/')}'. ` +
        `The supported api-versions are '${supported.join(', ')}'. The supported locations are 'westeurope, northeurope'. (namespace ${namespace})`,
    },
  };
}
