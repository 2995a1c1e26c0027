import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticateBearer } from './authenticate-bearer';
import { BLOB_READ_ROLES, BLOB_WRITE_ROLES } from './role-definitions';
import type { SandboxBlob, SandboxContainer } from './sandbox-blob-store';
import type { SandboxContext, SandboxRequestHandler } from './sandbox-context';
import { subscriptionOf, type SandboxResource } from './sandbox-state';

/** Audience of Azure Storage tokens (the same in every public-cloud account). */
export const STORAGE_AUDIENCE = 'https://storage.azure.com';
/** Largest blob the sandbox accepts in one Put Blob (snapshots are far smaller). */
const MAX_BLOB_BYTES = 16 * 1024 * 1024;
/** The service version the sandbox claims when a client sends none. */
const SERVICE_VERSION = '2025-01-05';

/**
 * Serves the Blob Storage data plane for the sandbox's storage accounts (path style:
 * `/{account}/{container}/{blob}`), authorized like Azure Storage with Entra ID: the bearer token must be
 * signed by the sandbox, for `https://storage.azure.com`, issued by the tenant that owns the account's
 * subscription (else 401 InvalidAuthenticationInfo with a challenge naming that tenant), and the principal
 * must hold a Storage Blob Data role on the account or container (else 403 AuthorizationPermissionMismatch:
 * Owner and Contributor are control-plane roles and grant no blob access). Errors use Storage's XML shape.
 * Blobs are kept in memory (SandboxBlobStore): create/get container, put/get/head/delete block blob, list.
 */
export const handleStorageRequest: SandboxRequestHandler = async (context, req, res, path, query) => {
  const { state } = context;
  const requestId = randomUUID();
  const version = header(req, 'x-ms-version') ?? SERVICE_VERSION;
  const common: Record<string, string> = { 'x-ms-request-id': requestId, 'x-ms-version': version };
  const clientRequestId = header(req, 'x-ms-client-request-id');
  if (clientRequestId) common['x-ms-client-request-id'] = clientRequestId;
  const fail = (status: number, code: string, message: string, extra: Record<string, string> = {}, detail?: string) =>
    sendStorageError(res, req.method === 'HEAD', status, code, message, { ...common, ...extra }, requestId, detail);

  const [accountName, containerName, ...blobParts] = path.split('/').filter(Boolean);
  const account = accountName ? state.findStorageAccount(accountName) : undefined;
  if (!accountName || !account) {
    return fail(400, 'InvalidUri', 'The requested URI does not represent any resource on the server.');
  }
  const ownerTenant = state.findSubscription(subscriptionOf(account.id) ?? '')?.tenantId ?? state.homeTenantId;
  // Azure answers every authentication failure with this challenge; the SDKs read the tenant from it.
  const challenge = {
    'www-authenticate': `Bearer authorization_uri=https://login.microsoftonline.com/${ownerTenant}/oauth2/authorize resource_id=${STORAGE_AUDIENCE}`,
  };
  const auth = authenticateBearer(context, req, [STORAGE_AUDIENCE]);
  if (!auth.ok && auth.reason === 'missing') {
    return fail(
      401,
      'NoAuthenticationInformation',
      'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.',
      challenge,
    );
  }
  const tokenTenant = auth.claims?.tid;
  if (!auth.ok && auth.reason !== 'unknownPrincipal') {
    const detail =
      auth.reason === 'audience'
        ? `Audience validation failed. Audience did not match.`
        : auth.reason === 'expired'
          ? 'Lifetime validation failed. The token is expired.'
          : 'Signature validation failed. Signature is invalid.';
    return fail(
      401,
      'InvalidAuthenticationInfo',
      'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.',
      challenge,
      detail,
    );
  }
  if (!tokenTenant || tokenTenant.toLowerCase() !== ownerTenant.toLowerCase()) {
    // A token from another tenant: its principal cannot exist in the account's tenant.
    return fail(
      401,
      'InvalidAuthenticationInfo',
      'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.',
      challenge,
      'Issuer validation failed. Issuer did not match.',
    );
  }

  const method = req.method ?? 'GET';
  const writes = method === 'PUT' || method === 'DELETE';
  const scope = containerName ? `${account.id}/blobServices/default/containers/${containerName}` : account.id;
  if (!auth.ok || !state.hasRole(auth.principal, scope, writes ? BLOB_WRITE_ROLES : BLOB_READ_ROLES)) {
    return fail(
      403,
      'AuthorizationPermissionMismatch',
      'This request is not authorized to perform this operation using this permission.',
    );
  }
  if (!containerName) return fail(400, 'UnsupportedHttpVerb', 'The sandbox serves container and blob operations only.');

  const now = state.now();
  const containerOp = query.get('restype') === 'container';
  if (containerOp && blobParts.length === 0) {
    if (method === 'PUT') {
      if (!state.blobs.createContainer(account.name, containerName, now)) {
        return fail(409, 'ContainerAlreadyExists', 'The specified container already exists.');
      }
      const created = state.blobs.findContainer(account.name, containerName) as SandboxContainer;
      return send(res, 201, { ...common, ...containerHeaders(created) });
    }
    const container = state.blobs.findContainer(account.name, containerName);
    if (!container) return fail(404, 'ContainerNotFound', 'The specified container does not exist.');
    if (method === 'GET' && query.get('comp') === 'list') {
      return send(
        res,
        200,
        { ...common, 'content-type': 'application/xml' },
        listBlobsXml(context, account, container, query.get('prefix') ?? ''),
      );
    }
    if (method === 'GET' || method === 'HEAD') return send(res, 200, { ...common, ...containerHeaders(container) });
    if (method === 'DELETE') {
      state.blobs.deleteContainer(account.name, containerName);
      return send(res, 202, common);
    }
    return fail(405, 'UnsupportedHttpVerb', "The resource doesn't support the specified HTTP verb.");
  }

  const container = state.blobs.findContainer(account.name, containerName);
  if (!container) return fail(404, 'ContainerNotFound', 'The specified container does not exist.');
  const blobName = blobParts.join('/');
  if (!blobName) return fail(400, 'InvalidUri', 'The requested URI does not represent any resource on the server.');

  if (method === 'PUT') {
    if ((header(req, 'x-ms-blob-type') ?? '') !== 'BlockBlob') {
      return fail(400, 'InvalidHeaderValue', 'The value for one of the HTTP headers is not in the correct format.');
    }
    const content = await readBlobBody(req);
    if (!content)
      return fail(
        413,
        'RequestBodyTooLarge',
        'The request body is too large and exceeds the maximum permissible limit.',
      );
    const contentType =
      header(req, 'x-ms-blob-content-type') ?? header(req, 'content-type') ?? 'application/octet-stream';
    const blob = state.blobs.putBlob(container, blobName, content, contentType, now);
    return send(res, 201, {
      ...common,
      etag: blob.etag,
      'last-modified': blob.lastModified.toUTCString(),
      'content-md5': blob.contentMd5,
      'x-ms-request-server-encrypted': 'true',
    });
  }
  const blob = container.blobs.get(blobName);
  if (!blob) return fail(404, 'BlobNotFound', 'The specified blob does not exist.');
  if (method === 'DELETE') {
    container.blobs.delete(blobName);
    return send(res, 202, { ...common, 'x-ms-delete-type-permanent': 'true' });
  }
  if (method === 'HEAD')
    return send(res, 200, { ...common, ...blobHeaders(blob), 'content-length': String(blob.content.length) });
  if (method === 'GET') {
    const range = /^bytes=(\d+)-(\d*)$/.exec(header(req, 'x-ms-range') ?? header(req, 'range') ?? '');
    if (!range) return send(res, 200, { ...common, ...blobHeaders(blob) }, blob.content);
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) : blob.content.length - 1, blob.content.length - 1);
    if (start > end)
      return fail(416, 'InvalidRange', 'The range specified is invalid for the current size of the resource.');
    return send(
      res,
      206,
      { ...common, ...blobHeaders(blob), 'content-range': `bytes ${start}-${end}/${blob.content.length}` },
      blob.content.subarray(start, end + 1),
    );
  }
  return fail(405, 'UnsupportedHttpVerb', "The resource doesn't support the specified HTTP verb.");
};

/**
 * Writes an Azure Storage error: `<Error><Code>…</Code><Message>…\nRequestId:…\nTime:…</Message></Error>`
 * plus the `x-ms-error-code` header (HEAD responses carry the header only, as in Azure).
 */
export function sendStorageError(
  res: ServerResponse,
  headOnly: boolean,
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>>,
  requestId: string = randomUUID(),
  authenticationErrorDetail?: string,
): void {
  const text = `${message}\nRequestId:${requestId}\nTime:${new Date().toISOString().replace('Z', '0000Z')}`;
  const body =
    `<?xml version="1.0" encoding="utf-8"?><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(text)}</Message>` +
    (authenticationErrorDetail
      ? `<AuthenticationErrorDetail>${escapeXml(authenticationErrorDetail)}</AuthenticationErrorDetail>`
      : '') +
    '</Error>';
  const all = { 'x-ms-request-id': requestId, ...headers, 'x-ms-error-code': code, 'content-type': 'application/xml' };
  send(res, status, all, headOnly ? undefined : Buffer.from(body, 'utf8'));
}

function send(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
  body?: string | Buffer,
): void {
  const buffer = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    server: 'Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0',
    date: new Date().toUTCString(),
    'content-length': String(buffer?.length ?? 0),
    ...headers,
  });
  res.end(buffer);
}

function containerHeaders(container: SandboxContainer): Record<string, string> {
  return {
    etag: container.etag,
    'last-modified': container.lastModified.toUTCString(),
    'x-ms-lease-status': 'unlocked',
    'x-ms-lease-state': 'available',
    'x-ms-has-immutability-policy': 'false',
    'x-ms-has-legal-hold': 'false',
  };
}

function blobHeaders(blob: SandboxBlob): Record<string, string> {
  return {
    etag: blob.etag,
    'last-modified': blob.lastModified.toUTCString(),
    'x-ms-creation-time': blob.createdOn.toUTCString(),
    'content-type': blob.contentType,
    'content-md5': blob.contentMd5,
    'x-ms-blob-type': 'BlockBlob',
    'x-ms-lease-status': 'unlocked',
    'x-ms-lease-state': 'available',
    'x-ms-server-encrypted': 'true',
    'accept-ranges': 'bytes',
  };
}

function listBlobsXml(
  context: SandboxContext,
  account: SandboxResource,
  container: SandboxContainer,
  prefix: string,
): string {
  const blobs = context.state.blobs
    .listBlobs(container, prefix)
    .map(
      (b) =>
        `<Blob><Name>${escapeXml(b.name)}</Name><Properties>` +
        `<Creation-Time>${b.createdOn.toUTCString()}</Creation-Time><Last-Modified>${b.lastModified.toUTCString()}</Last-Modified>` +
        `<Etag>${escapeXml(b.etag)}</Etag><Content-Length>${b.content.length}</Content-Length>` +
        `<Content-Type>${escapeXml(b.contentType)}</Content-Type><Content-MD5>${b.contentMd5}</Content-MD5>` +
        '<BlobType>BlockBlob</BlobType><AccessTier>Hot</AccessTier><AccessTierInferred>true</AccessTierInferred>' +
        '<LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState><ServerEncrypted>true</ServerEncrypted>' +
        '</Properties><Metadata /></Blob>',
    )
    .join('');
  const endpoint = `${context.urls.storage}/${account.name}/`;
  return (
    `<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="${escapeXml(endpoint)}" ContainerName="${escapeXml(container.name)}">` +
    `${prefix ? `<Prefix>${escapeXml(prefix)}</Prefix>` : ''}<Blobs>${blobs}</Blobs><NextMarker /></EnumerationResults>`
  );
}

/** The body, or undefined when it exceeds MAX_BLOB_BYTES. */
async function readBlobBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BLOB_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
