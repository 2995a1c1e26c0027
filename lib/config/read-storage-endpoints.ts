const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** What a storage connection string says about transport security. */
export interface StorageEndpointCheck {
  /** True when some endpoint is plain http on a loopback host (Azurite on any port): clients must allow it. */
  readonly insecureLoopback: boolean;
  /** Set when an endpoint is plain http to another host: the account key would travel in the clear. */
  readonly problem?: string;
}

/**
 * Reads the `*Endpoint=` entries (and `DefaultEndpointsProtocol`) of a storage connection string.
 * Plain http is fine on loopback, where Azurite listens on whatever port it was given; anywhere else it is
 * refused. `UseDevelopmentStorage=true` is Azurite's fixed http loopback ports.
 */
export function readStorageEndpoints(connectionString: string): StorageEndpointCheck {
  const entries = new Map(
    connectionString
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const at = part.indexOf('=');
        return [part.slice(0, at).toLowerCase(), part.slice(at + 1)] as const;
      }),
  );
  if (entries.get('usedevelopmentstorage') === 'true') return { insecureLoopback: true };
  let insecureLoopback = false;
  for (const [key, value] of entries) {
    if (!key.endsWith('endpoint')) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return { insecureLoopback, problem: `AzureWebJobsStorage: ${key} is not a URL` };
    }
    if (url.protocol === 'https:') continue;
    if (url.protocol !== 'http:') return { insecureLoopback, problem: `AzureWebJobsStorage: ${key} must be http(s)` };
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      return {
        insecureLoopback,
        problem: `AzureWebJobsStorage: ${key} uses plain http to ${url.hostname}; http is only allowed on a loopback address (Azurite)`,
      };
    }
    insecureLoopback = true;
  }
  return { insecureLoopback };
}
