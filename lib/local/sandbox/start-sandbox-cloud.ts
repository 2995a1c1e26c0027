import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { LocalCertificate } from '../tls/create-local-certificate';
import { buildEntraError } from './build-entra-error';
import { createTokenSigner } from './create-token-signer';
import { handleArmRequest } from './handle-arm-request';
import { handleEntraRequest } from './handle-entra-request';
import { handleMetricsBatchRequest } from './handle-metrics-batch-request';
import { handleIdentityRequest } from './handle-identity-request';
import { handleLogsIngestionRequest } from './handle-logs-ingestion-request';
import { handleStorageRequest, sendStorageError } from './handle-storage-request';
import { handleVaultRequest } from './handle-vault-request';
import { handleFabricRequest, handlePowerBiRequest } from './power-bi/handle-power-bi-request';
import type { SandboxContext, SandboxUrls } from './sandbox-context';
import { SandboxRequestLog, type SandboxService } from './sandbox-request-log';
import type { SandboxSeed } from './sandbox-seed';
import { SandboxState, type SandboxFault } from './sandbox-state';
import { sendJson } from './send-json';

export interface SandboxCloudOptions {
  readonly certificate: LocalCertificate;
  readonly seed?: SandboxSeed;
  /** Clock for token lifetimes, secret expiry and default metric windows. */
  readonly now?: () => Date;
  /** Milliseconds added before every answer of a cloud service (the network); default 0. Also `state.latencyMs`. */
  readonly latencyMs?: number;
}

export interface SandboxCloud {
  readonly urls: SandboxUrls;
  /** Value for `IDENTITY_HEADER` (random per start). */
  readonly identityHeader: string;
  /** The provider's tenant, where the managed identity lives. */
  readonly homeTenantId: string;
  readonly managedIdentity: { readonly clientId: string; readonly objectId: string };
  /** The mutable world; change it to produce any failure. */
  readonly state: SandboxState;
  readonly requests: SandboxRequestLog;
  close(): Promise<void>;
}

/** Path of the managed identity endpoint on its listener. */
const IDENTITY_PATH = '/msi/token';

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
) => void | Promise<void>;

/**
 * Starts the sandbox cloud on 127.0.0.1, each service on its own free port: Entra ID, Key Vault
 * and ARM over HTTPS with `certificate`, the managed identity endpoint over plain HTTP (as on
 * App Service). The caller must trust the certificate (see `trustCertificate`) for SDK clients
 * in this process to connect.
 */
export async function startSandboxCloud(options: SandboxCloudOptions): Promise<SandboxCloud> {
  const state = new SandboxState(options.seed, options.now);
  state.latencyMs = options.latencyMs ?? 0;
  const requests = new SandboxRequestLog();
  const signer = createTokenSigner();
  const identityHeader = randomUUID();
  const urls: { -readonly [K in keyof SandboxUrls]: string } = {
    authorityHost: '',
    keyVault: '',
    arm: '',
    metrics: '',
    identityEndpoint: '',
    storage: '',
    powerBi: '',
    fabric: '',
    logsIngestion: '',
  };
  const context: SandboxContext = { state, signer, urls, identityHeader };
  const tls = { cert: options.certificate.certPem, key: options.certificate.keyPem };

  const servers: Server[] = [];
  const listen = async (service: SandboxService, secure: boolean, handler: Handler): Promise<string> => {
    const listener = (req: IncomingMessage, res: ServerResponse) =>
      void serve(context, requests, service, req, res, handler);
    const server = secure ? https.createServer(tls, listener) : http.createServer(listener);
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return `${secure ? 'https' : 'http'}://127.0.0.1:${port}`;
  };

  try {
    urls.authorityHost = await listen('entra', true, (req, res, path) => handleEntraRequest(context, req, res, path));
    urls.keyVault = await listen('vault', true, (req, res, path, query) =>
      handleVaultRequest(context, req, res, path, query),
    );
    urls.arm = await listen('arm', true, (req, res, path, query) => handleArmRequest(context, req, res, path, query));
    urls.metrics = await listen('metrics', true, (req, res, path, query) =>
      handleMetricsBatchRequest(context, req, res, path, query),
    );
    const identityBase = await listen('identity', false, (req, res, path, query) =>
      path === IDENTITY_PATH
        ? handleIdentityRequest(context, req, res, query)
        : sendJson(res, 404, { statusCode: 404, message: 'Not found' }),
    );
    urls.identityEndpoint = `${identityBase}${IDENTITY_PATH}`;
    urls.storage = await listen('storage', true, (req, res, path, query) =>
      handleStorageRequest(context, req, res, path, query),
    );
    urls.powerBi = await listen('powerbi', true, (req, res, path) => handlePowerBiRequest(context, req, res, path));
    urls.fabric = await listen('fabric', true, (req, res, path, query) =>
      handleFabricRequest(context, req, res, path, query),
    );
    urls.logsIngestion = await listen('logsIngestion', true, (req, res, path, query) =>
      handleLogsIngestionRequest(context, req, res, path, query),
    );
  } catch (error) {
    await closeServers(servers);
    throw error;
  }

  return {
    urls,
    identityHeader,
    homeTenantId: state.homeTenantId,
    managedIdentity: state.managedIdentity,
    state,
    requests,
    close: () => closeServers(servers),
  };
}

async function serve(
  context: SandboxContext,
  requests: SandboxRequestLog,
  service: SandboxService,
  req: IncomingMessage,
  res: ServerResponse,
  handler: Handler,
): Promise<void> {
  // The ARM SDK sends `//subscriptions/...` and Key Vault a trailing slash: normalise both
  // before URL parsing, which would read `//subscriptions` as a host name.
  const raw = req.url ?? '/';
  const queryStart = raw.indexOf('?');
  const rawPath = (queryStart < 0 ? raw : raw.slice(0, queryStart)).replace(/\/{2,}/g, '/');
  const url = new URL(`${rawPath}${queryStart < 0 ? '' : raw.slice(queryStart)}`, 'https://sandbox.invalid');
  const path = decodePath(url.pathname).replace(/(.)\/$/, '$1');
  const tenantId = bearerTenantOf(req.headers.authorization);
  res.on('finish', () =>
    requests.record({
      service,
      method: req.method ?? '',
      path,
      query: url.search,
      status: res.statusCode,
      at: context.state.now(),
      ...(tenantId ? { tenantId } : {}),
    }),
  );
  if (service === 'arm' || service === 'vault' || service === 'metrics') setRequestIds(req, res);
  try {
    if (context.state.latencyMs > 0 && service !== 'identity') {
      await new Promise((resolve) => setTimeout(resolve, context.state.latencyMs));
    }
    const fault = context.state.takeFault(service, path);
    if (fault) return sendFault(context, res, service, fault);
    await handler(req, res, path, url.searchParams);
  } catch (error) {
    if (!res.headersSent) {
      const message = error instanceof Error ? error.message : String(error);
      sendJson(res, 500, { error: { code: 'InternalServerError', message: `Sandbox failure: ${message}` } });
    } else {
      res.destroy();
    }
  }
}

/** Decodes `%20` in metric or secret paths; a malformed escape is left as sent. */
function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

function setRequestIds(req: IncomingMessage, res: ServerResponse): void {
  const requestId = randomUUID();
  res.setHeader('x-ms-request-id', requestId);
  const correlation = req.headers['x-ms-correlation-request-id'];
  res.setHeader('x-ms-correlation-request-id', typeof correlation === 'string' ? correlation : requestId);
  const clientRequestId = req.headers['x-ms-client-request-id'];
  if (typeof clientRequestId === 'string') res.setHeader('x-ms-client-request-id', clientRequestId);
}

function sendFault(context: SandboxContext, res: ServerResponse, service: SandboxService, fault: SandboxFault): void {
  const headers: Record<string, string> =
    fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
  const code =
    fault.status === 429 || fault.status === 529
      ? 'TooManyRequests'
      : fault.status === 503
        ? 'ServiceUnavailable'
        : 'InternalServerError';
  const message = `Injected fault: ${fault.status} ${code}`;
  if (service === 'entra') return sendEntraFault(context, res, fault, headers);
  if (service === 'identity') return sendJson(res, fault.status, { statusCode: fault.status, message }, headers);
  if (service === 'storage') return sendStorageError(res, false, fault.status, code, message, headers);
  sendJson(res, fault.status, { error: { code, message } }, headers);
}

/**
 * A transient Entra failure on any Entra path (tenant metadata or token): Entra's own error body with a
 * transient AADSTS code (see EntraTransientErrorCode for the source), or a bare status without a body.
 */
function sendEntraFault(
  context: SandboxContext,
  res: ServerResponse,
  fault: SandboxFault,
  headers: Readonly<Record<string, string>>,
): void {
  if (fault.entraCode === null) {
    res.writeHead(fault.status, { 'content-length': '0', ...headers });
    res.end();
    return;
  }
  const code = fault.entraCode ?? (fault.status === 429 ? 90055 : 90033);
  const { body } = buildEntraError({
    code,
    status: fault.status,
    authorityHost: context.urls.authorityHost,
    now: context.state.now(),
  });
  sendJson(res, fault.status, body, { 'cache-control': 'no-store, no-cache', ...headers });
}

async function closeServers(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          // SDK agents keep connections alive; without this close() waits for them to time out.
          server.closeAllConnections();
        }),
    ),
  );
}

/** The `tid` claim of a bearer token, read without verifying it: for attributing a logged request only. */
function bearerTenantOf(authorization: string | undefined): string | undefined {
  const payload = /^Bearer\s+[^.\s]+\.([^.\s]+)\./i.exec(authorization ?? '')?.[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}
