import { AppError } from '../errors/app-error';

/**
 * Where a customer's token may be sent: hosts under the configured cloud's service suffixes (public cloud
 * default: `blob.core.windows.net`, …), plus, in local mode only, the sandbox's exact loopback hosts.
 */
export interface ServiceHostAllowList {
  /** DNS suffixes without a leading dot, e.g. `blob.core.windows.net`; the host must be a subdomain of one. */
  readonly suffixes: readonly string[];
  /** Exact `host:port` values (loopback only, enforced by the config) of the local sandbox; empty in Azure. */
  readonly localHosts: readonly string[];
}

export type ServiceUrlCheck =
  { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly reason: string };

/**
 * Checks that `value` is an https URL on an allowed service host: a subdomain of one of the suffixes on the
 * default port, or exactly one of the local hosts. Userinfo is refused. Use it for every URL a customer
 * record carries before a token goes there (delivery targets, Fabric / Power BI / Logs Ingestion endpoints).
 */
export function checkServiceUrl(value: string, allow: ServiceHostAllowList): ServiceUrlCheck {
  const url = URL.parse(value);
  if (!url || url.protocol !== 'https:') return { ok: false, reason: 'is not an https URL' };
  if (url.username || url.password) return { ok: false, reason: 'carries credentials' };
  if (allow.localHosts.some((host) => host.toLowerCase() === url.host.toLowerCase())) return { ok: true, url };
  const hostname = url.hostname.toLowerCase().replace(/\.$/, '');
  const underSuffix = allow.suffixes.some((suffix) => {
    const normalized = suffix.toLowerCase().replace(/^\.+|\.+$/g, '');
    return normalized.length > 0 && hostname.endsWith(`.${normalized}`) && hostname.length > normalized.length + 1;
  });
  if (!underSuffix) {
    return { ok: false, reason: `is not on an Azure service host (allowed: *.${allow.suffixes.join(', *.')})` };
  }
  if (url.port !== '') return { ok: false, reason: 'names a port; Azure service endpoints use the default https port' };
  return { ok: true, url };
}

/** Like `checkServiceUrl`, but throws a 400 naming the field (`what`) and the rule. */
export function assertServiceUrl(value: string, allow: ServiceHostAllowList, what: string): URL {
  const check = checkServiceUrl(value, allow);
  if (check.ok) return check.url;
  throw new AppError({
    kind: 'validation',
    code: 'ServiceHostNotAllowed',
    message: `${what} ${check.reason}: a customer's token is only ever sent to Azure's own service hosts`,
    details: { field: what },
  });
}
