import { findCatalogueEntry, type Actor, type DiagnosisContext, type Stage } from './diagnosis-catalogue';
import { isDisabledSecretError } from './key-vault-errors';
import { entraErrorCodeIn, isTransientEntraFailure } from './entra-transient-error';
import { redactSecrets } from './redact-secrets';

/**
 * What an attempt's failure means for the queue: `transient` (throttling, 5xx, timeouts, resets, Entra's
 * transient codes) is retried by the host and poisoned after the last attempt; `permanent` (credentials,
 * roles, configuration) is recorded once; `unknown` (not in the catalogue, no retryable status) is
 * retried a bounded number of times before it is recorded.
 */
export type FailureClass = 'transient' | 'permanent' | 'unknown';

/** A failure explained: what happened, whose move it is, and how to fix it. */
export interface Diagnosis {
  readonly stage: Stage;
  readonly code: string;
  readonly title: string;
  readonly who: Actor;
  readonly failureClass: FailureClass;
  /** `failureClass === 'transient'`: the host retries this attempt. */
  readonly retryable: boolean;
  readonly cause: string;
  readonly fix: string;
  readonly commands?: { readonly powershell: string; readonly azCli: string };
  readonly docs?: string;
  /** The service's own message, secrets redacted. */
  readonly rawMessage: string;
  readonly httpStatus?: number;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

// "The client '<app>' with object id '<oid>' does not have authorization to perform action '<a>' over scope '<s>'"
const AUTHORIZATION_FAILED =
  /client '([^']*)' with object id '([^']*)' does not have authorization to perform action '([^']*)' over scope '([^']*)'/i;
// "Failed to find metric configuration for provider: ..., metric: 'X', Valid metrics: a,b"
// "It must match the tenant 'https://sts.windows.net/<tid>/' associated with this subscription"
const WRONG_TENANT = /must match the tenant 'https:\/\/sts\.windows\.net\/([^/']+)\/?'/i;
// Key Vault 403: "Caller: appid=<app>;oid=<oid>;iss=..."
const KEY_VAULT_CALLER = /Caller:\s*appid=[^;]*;oid=([^;\s]+)/i;
// identity's answer when a storage challenge names a tenant the credential was not built for
const OTHER_TENANT_REQUESTED = /not configured to acquire tokens for tenant ([0-9a-f-]{36})/i;
const UNKNOWN_METRIC = /metric:?\s*'?([^',]+)'?,\s*Valid metrics:\s*(.+)$/i;

/**
 * Explains any error thrown while reaching a customer's tenant. Known codes get the catalogue's
 * cause and fix with the customer's ids filled in; unknown errors keep their own code and
 * (redacted) message rather than being forced into a wrong entry.
 */
export function diagnoseError(
  error: unknown,
  stage: Stage,
  context: DiagnosisContext = {},
  knownSecrets: readonly (string | undefined)[] = [],
): Diagnosis {
  const facts = readErrorFacts(error);
  const rawMessage = redactSecrets(facts.message, knownSecrets).slice(0, 2000);
  const { code, extra } = classify(facts, stage, context);
  const filled: DiagnosisContext = { ...context, ...extra };
  // A transient Entra code we have no entry of its own for shares one entry, keeping its AADSTS code.
  const entry =
    findCatalogueEntry(code) ??
    (isTransientEntraFailure(facts.message) ? findCatalogueEntry(ENTRA_TRANSIENT_ENTRY) : undefined);
  const httpStatus = facts.statusCode !== undefined ? { httpStatus: facts.statusCode } : {};
  if (!entry) {
    const transient = facts.statusCode !== undefined && isTransientStatus(facts.statusCode);
    return {
      stage,
      code,
      title: 'Unrecognised error',
      who: 'provider',
      failureClass: transient ? 'transient' : 'unknown',
      retryable: transient,
      cause: rawMessage || 'The service gave no message.',
      fix: 'Not in the catalogue yet: read the raw message; if it recurs, report it so it gets an entry.',
      rawMessage,
      ...httpStatus,
    };
  }
  return {
    stage,
    code,
    title: entry.title,
    who: entry.who,
    failureClass: entry.retryable ? 'transient' : 'permanent',
    retryable: entry.retryable,
    cause: entry.cause(filled),
    fix: entry.fix(filled),
    ...(entry.commands ? { commands: entry.commands(filled) } : {}),
    docs: entry.docs,
    rawMessage,
    ...httpStatus,
  };
}

interface ErrorFacts {
  readonly message: string;
  readonly code?: string;
  readonly statusCode?: number;
  readonly name?: string;
  /** The request URL of a RestError: tells the batch metrics API apart from ARM. */
  readonly url?: string;
  /** An AppError's machine-readable extras (ids only, never secrets). */
  readonly details?: Readonly<Record<string, unknown>>;
}

function readErrorFacts(error: unknown): ErrorFacts {
  if (!(error instanceof Error)) return { message: String(error) };
  const record = error as Error & {
    code?: unknown;
    statusCode?: unknown;
    cause?: unknown;
    request?: { url?: unknown };
    details?: unknown;
  };
  const causeCode = (record.cause as { code?: unknown } | undefined)?.code;
  const url = typeof record.request?.url === 'string' ? record.request.url : undefined;
  const code = typeof record.code === 'string' ? record.code : typeof causeCode === 'string' ? causeCode : undefined;
  return {
    message: error.message,
    name: error.name,
    ...(code !== undefined ? { code } : {}),
    ...(typeof record.statusCode === 'number' ? { statusCode: record.statusCode } : {}),
    ...(url !== undefined ? { url } : {}),
    ...(typeof record.details === 'object' && record.details !== null
      ? { details: record.details as Readonly<Record<string, unknown>> }
      : {}),
  };
}

function classify(
  facts: ErrorFacts,
  stage: Stage,
  context: DiagnosisContext,
): { code: string; extra: DiagnosisContext } {
  const aadsts = /AADSTS(\d+)/.exec(facts.message);
  if (aadsts) return { code: `AADSTS${aadsts[1]}`, extra: {} };
  // MSAL's other renderings of an Entra error (`temporarily_unavailable: 50033 - …`, no AADSTS prefix).
  if (isTransientEntraFailure(facts.message)) {
    const entraCode = entraErrorCodeIn(facts.message);
    return { code: entraCode ? `AADSTS${entraCode}` : ENTRA_TRANSIENT_ENTRY, extra: {} };
  }
  if (stage === 'fabric') {
    const fabric = classifyFabric(facts);
    if (fabric) return fabric;
  }

  // Delivery to the customer's storage: Storage's own codes, checked before the generic ones (401/403/404).
  if (stage === 'delivery') {
    const otherTenant = OTHER_TENANT_REQUESTED.exec(facts.message)?.[1];
    if (otherTenant || facts.code === 'InvalidAuthenticationInfo') {
      return { code: 'DeliveryPrincipalNotInTenant', extra: otherTenant ? { expectedTenantId: otherTenant } : {} };
    }
    if (facts.code === 'AuthorizationPermissionMismatch' || facts.code === 'AuthorizationFailure') {
      return { code: 'DeliveryRoleMissing', extra: {} };
    }
    if (facts.code === 'ContainerNotFound') return { code: 'DeliveryContainerNotFound', extra: {} };
  }

  // A managed identity used directly in another tenant fails in ARM in one of two ways, depending on
  // whether the token or the role assignment is checked first; both mean the same thing.
  const viaManagedIdentity = context.authMode === 'managedIdentity';
  const authz = AUTHORIZATION_FAILED.exec(facts.message);
  if (facts.code === 'AuthorizationFailed' || authz) {
    const extra = authz ? { clientId: authz[1], objectId: authz[2], action: authz[3], scope: authz[4] } : {};
    return { code: viaManagedIdentity ? 'ManagedIdentityNotInCustomerTenant' : 'AuthorizationFailed', extra };
  }
  // Lighthouse: the home-tenant token is right; ARM refuses it only when no delegation covers the subscription.
  if (facts.code === 'InvalidAuthenticationTokenTenant' && context.authMode === 'lighthouse') {
    return { code: 'LighthouseDelegationMissing', extra: {} };
  }
  if (facts.code === 'InvalidAuthenticationTokenTenant') {
    const expected = WRONG_TENANT.exec(facts.message)?.[1];
    return {
      code: viaManagedIdentity ? 'ManagedIdentityNotInCustomerTenant' : 'InvalidAuthenticationTokenTenant',
      extra: expected ? { expectedTenantId: expected } : {},
    };
  }
  if (facts.statusCode === 401 && facts.url && /metrics:getBatch/i.test(facts.url)) {
    const subscription = /\/subscriptions\/([^/?]+)/i.exec(facts.url)?.[1];
    return { code: 'MetricsBatchUnauthorized', extra: subscription ? { scope: `/subscriptions/${subscription}` } : {} };
  }
  if (stage === 'keyVault' && facts.statusCode === 403 && isDisabledSecretError(facts)) {
    return { code: 'SecretDisabled', extra: {} };
  }
  if (stage === 'keyVault' && facts.statusCode === 403) {
    const oid = KEY_VAULT_CALLER.exec(facts.message)?.[1];
    return { code: 'KeyVaultForbidden', extra: oid ? { appIdentityObjectId: oid } : {} };
  }
  if (facts.code === 'SecretNotFound') return { code: 'SecretNotFound', extra: {} };
  if (facts.code === 'ResourceNotFound' || (stage === 'arm' && facts.statusCode === 404)) {
    return { code: 'ResourceNotFound', extra: {} };
  }
  const metric = UNKNOWN_METRIC.exec(facts.message);
  if (stage === 'metrics' && facts.statusCode === 400 && metric) {
    return { code: 'MetricNotDefined', extra: { metric: metric[1]?.trim(), validMetrics: metric[2]?.trim() } };
  }
  if (facts.statusCode === 429) return { code: 'Throttled', extra: {} };
  if (facts.statusCode === 408) return { code: 'NetworkError', extra: {} };
  if (facts.statusCode !== undefined && facts.statusCode >= 500) return { code: 'ServiceUnavailable', extra: {} };
  if (isNetworkFailure(facts)) return { code: 'NetworkError', extra: {} };
  if (isAppErrorFacts(facts)) return { code: facts.code, extra: {} };
  return { code: facts.code ?? facts.name ?? 'UnknownError', extra: {} };
}

/** The code of the catalogue entry every transient Entra failure without an entry of its own uses. */
const ENTRA_TRANSIENT_ENTRY = 'EntraTransientError';

/** Request timeout, throttling and server errors: the same request may well succeed later. */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function isNetworkFailure(facts: ErrorFacts): boolean {
  if (facts.code && NETWORK_CODES.has(facts.code)) return true;
  if (facts.name === 'AbortError' || facts.name === 'TimeoutError') return true;
  // MSAL reports an unreachable authority only as endpoints_resolution_error. An unknown tenant gives the
  // same error, but acquireCustomerToken has already turned that into AADSTS90002 by probing the metadata.
  if (/endpoints_resolution_error/.test(facts.message)) return true;
  return facts.code === 'REQUEST_SEND_ERROR' || /socket hang up|network|timed? ?out/i.test(facts.message);
}

function isAppErrorFacts(facts: ErrorFacts): facts is ErrorFacts & { code: string } {
  return facts.name === 'AppError' && facts.code !== undefined;
}

/**
 * Power BI / Fabric REST answers on the Fabric CU path. Power BI says only PowerBINotAuthorizedException;
 * which call got it tells the causes apart: listing workspaces fails when service principals may not
 * use the APIs at all, executeQueries when the Execute Queries setting is off or Build is missing.
 */
function classifyFabric(facts: ErrorFacts): { code: string; extra: DiagnosisContext } | undefined {
  const ids = fabricIds(facts);
  const url = facts.url ?? '';
  if (facts.code === 'PrincipalTypeNotSupported') return { code: 'PowerBiServicePrincipalsDisabled', extra: ids };
  if (facts.code === 'PowerBINotAuthorizedException') {
    const dataset = /\/datasets\/([^/]+)\/executeQueries/i.exec(url)?.[1];
    if (dataset) return { code: 'PowerBiExecuteQueriesRefused', extra: { ...ids, datasetId: dataset } };
    return { code: 'PowerBiServicePrincipalsDisabled', extra: ids };
  }
  if (facts.code === 'PowerBIEntityNotFound' && /\/groups\//i.test(url)) {
    const workspace = /\/groups\/([^/]+)/i.exec(url)?.[1];
    return {
      code: 'PowerBiWorkspaceAccessMissing',
      extra: { ...ids, ...(workspace ? { workspaceId: workspace } : {}) },
    };
  }
  if (isAppErrorFacts(facts)) return { code: facts.code, extra: ids };
  return undefined;
}

function fabricIds(facts: ErrorFacts): DiagnosisContext {
  const d = facts.details ?? {};
  const text = (key: string) => (typeof d[key] === 'string' ? { [key]: d[key] } : {});
  const resourceId = typeof d.resourceId === 'string' ? d.resourceId : undefined;
  return {
    ...text('workspaceId'),
    ...text('datasetId'),
    ...text('capacityId'),
    ...(resourceId ? { capacityName: resourceId.split('/').pop() as string } : {}),
  };
}
