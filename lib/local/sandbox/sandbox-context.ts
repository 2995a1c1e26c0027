import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenSigner } from './create-token-signer';
import type { SandboxState } from './sandbox-state';

/** Public base URLs of the sandbox's listeners (no trailing slash). */
export interface SandboxUrls {
  /** Entra ID authority host, e.g. `https://127.0.0.1:41234`. */
  readonly authorityHost: string;
  /** The provider's Key Vault URL. */
  readonly keyVault: string;
  /** Azure Resource Manager endpoint. */
  readonly arm: string;
  /**
   * The metrics data plane (metrics:getBatch). Azure serves it per region on `https://{region}.metrics.monitor.azure.com`;
   * the sandbox serves every region on one listener with the region as the first path segment, `{metrics}/{region}`.
   */
  readonly metrics: string;
  /** App Service style managed identity endpoint (plain http). */
  readonly identityEndpoint: string;
  /** Blob Storage front for the sandbox's storage accounts, path style: `{storage}/{account}` is an account's blob endpoint. */
  readonly storage: string;
  /** Power BI REST (stands in for `https://api.powerbi.com`). */
  readonly powerBi: string;
  /** Fabric REST (stands in for `https://api.fabric.microsoft.com`). */
  readonly fabric: string;
  /** Data collection endpoint: the Logs Ingestion API (`/dataCollectionRules/{id}/streams/{stream}`). */
  readonly logsIngestion: string;
}

/** What every request handler needs. Filled in once all listeners have their ports. */
export interface SandboxContext {
  readonly state: SandboxState;
  readonly signer: TokenSigner;
  readonly urls: SandboxUrls;
  readonly identityHeader: string;
}

/**
 * One sandbox service (ARM, Key Vault, Storage, ...): its listener hands every request over with the path and
 * query already split off the URL. Each service authenticates and answers in its own Azure wire format.
 */
export type SandboxRequestHandler = (
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
) => void | Promise<void>;

/** Audience Key Vault tokens carry. */
export const KEY_VAULT_AUDIENCE = 'https://vault.azure.net';
/** Audience of the metrics data plane (metrics:getBatch). */
export const METRICS_AUDIENCE = 'https://metrics.monitor.azure.com';
/** The public-cloud ARM audience (v8 SDK clients always ask for it). */
export const ARM_AUDIENCE = 'https://management.azure.com';
/** Token lifetime Entra uses for app tokens (~1 hour). */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3599;
