import { randomUUID } from 'node:crypto';

/**
 * Entra ID's transient errors: the service, not the request, is at fault and the same request may
 * succeed later. Source: Microsoft Entra authentication and authorization error codes,
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes ("temporarily_unavailable:
 * The server is temporarily too busy to handle the request. Retry the request"; 50033 RetryableError,
 * 90024 RequestBudgetExceededError "A transient error has occurred. Try again", 90033
 * MsodsServiceUnavailable, 90055 TenantThrottlingError). The wire form (503, `temporarily_unavailable`,
 * "AADSTS90033: A transient error has occurred. Please try again.") is the one quoted from a real
 * token-endpoint answer in Azure/azure-sdk-for-python#14241.
 */
export type EntraTransientErrorCode = 50033 | 90024 | 90033 | 90055;

/** The Entra ID token-endpoint errors the sandbox can produce. */
export type EntraErrorCode =
  | 7000215
  | 7000216
  | 7000222
  | 90002
  | 700016
  | 7000112
  | 70021
  | 700213
  | 70003
  | 90014
  | 50196
  | 700027
  | 700024
  | EntraTransientErrorCode;

export interface EntraError {
  readonly status: number;
  readonly body: {
    readonly error: string;
    readonly error_description: string;
    readonly error_codes: readonly number[];
    readonly timestamp: string;
    readonly trace_id: string;
    readonly correlation_id: string;
    readonly error_uri: string;
  };
}

export interface EntraErrorInput {
  readonly code: EntraErrorCode;
  readonly authorityHost: string;
  readonly now: Date;
  readonly tenantId?: string;
  readonly clientId?: string;
  readonly appName?: string;
  /** MSAL's `client-request-id`; Entra echoes it as the correlation id. */
  readonly correlationId?: string;
  /** Overrides the status Entra usually sends with this code (a transient code comes as 500, 503 or 429). */
  readonly status?: number;
}

/**
 * Builds an error exactly as Entra's token endpoint returns it: OAuth `error`, an
 * `error_description` starting with `AADSTS<code>:` and ending with trace, correlation and
 * timestamp lines, the numeric `error_codes`, and the HTTP status Entra uses for that code.
 */
export function buildEntraError(input: EntraErrorInput): EntraError {
  const described = describe(input);
  const { error, text } = described;
  const status = input.status ?? described.status;
  const traceId = randomUUID();
  const correlationId = input.correlationId ?? randomUUID();
  const timestamp = formatEntraTimestamp(input.now);
  return {
    status,
    body: {
      error,
      // Entra separates the trailer with CRLF, as seen in real responses.
      error_description: `AADSTS${input.code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [input.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${input.authorityHost}/error?code=${input.code}`,
    },
  };
}

function describe(input: EntraErrorInput): { status: number; error: string; text: string } {
  const app = input.clientId ?? '';
  switch (input.code) {
    case 7000215:
      return {
        status: 401,
        error: 'invalid_client',
        text: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app}'.`,
      };
    case 7000216:
      return {
        status: 401,
        error: 'invalid_client',
        text: "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
      };
    case 7000222:
      return {
        status: 401,
        error: 'invalid_client',
        text: `The provided client secret keys for app '${app}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      };
    case 90002:
      return {
        status: 400,
        error: 'invalid_request',
        text: `Tenant '${input.tenantId ?? ''}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      };
    case 700016:
      return {
        status: 400,
        error: 'unauthorized_client',
        text: `Application with identifier '${app}' was not found in the directory '${input.tenantId ?? ''}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      };
    case 7000112:
      return {
        status: 401,
        error: 'unauthorized_client',
        text: `Application '${app}'(${input.appName ?? app}) is disabled.`,
      };
    case 70021:
      return {
        status: 400,
        error: 'invalid_request',
        text: 'No matching federated identity record found for presented assertion.',
      };
    case 700213:
      return {
        status: 400,
        error: 'invalid_request',
        text: 'No matching federated identity record found for presented assertion subject.',
      };
    case 700027:
      return {
        status: 401,
        error: 'invalid_client',
        text: `Client assertion failed signature validation, or the certificate used to sign it is not registered (or has expired) on application '${app}'.`,
      };
    case 700024:
      return {
        status: 400,
        error: 'invalid_client',
        text: 'Client assertion is not within its valid time range.',
      };
    case 70003:
      return { status: 400, error: 'unsupported_grant_type', text: 'The app requested an unsupported grant type.' };
    case 90014:
      return {
        status: 400,
        error: 'invalid_request',
        text: "The required field 'scope' is missing from the credential.",
      };
    case 90033:
      return {
        status: 503,
        error: 'temporarily_unavailable',
        text: 'A transient error has occurred. Please try again.',
      };
    case 90024:
      return {
        status: 503,
        error: 'temporarily_unavailable',
        text: 'RequestBudgetExceededError - A transient error has occurred. Try again.',
      };
    case 90055:
      return {
        status: 429,
        error: 'temporarily_unavailable',
        text: 'TenantThrottlingError - There are too many incoming requests.',
      };
    case 50033:
      return {
        status: 500,
        error: 'temporarily_unavailable',
        text: 'RetryableError - Indicates a transient error not related to the database operations.',
      };
    case 50196:
      return {
        status: 503,
        error: 'temporarily_unavailable',
        text: 'The server terminated an operation because it encountered a client request loop or the service is busy.',
      };
  }
}

/** Entra's timestamp format: `2021-09-22 04:37:03Z`. */
function formatEntraTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}
