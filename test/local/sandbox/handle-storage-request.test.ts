import { ClientSecretCredential } from '@azure/identity';
import { BlobServiceClient, RestError } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCloud, type SandboxCloud } from '../../../lib/local/sandbox/start-sandbox-cloud';
import { createLocalCertificate } from '../../../lib/local/tls/create-local-certificate';
import { trustCertificate } from '../../../lib/local/tls/trust-certificate';

const TENANT = '5a5a0000-0000-4000-8000-000000000001';
const OTHER_TENANT = '5a5a0000-0000-4000-8000-0000000000f1';
const SUBSCRIPTION = '5a5a0000-0000-4000-8000-000000000002';
const ACCOUNT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-exports/providers/Microsoft.Storage/storageAccounts/stexports`;
const WRITER = { clientId: '5a5a0000-0000-4000-8000-000000000003', objectId: '5a5a0000-0000-4000-8000-000000000004' };
const OUTSIDER = { clientId: '5a5a0000-0000-4000-8000-0000000000f3', objectId: '5a5a0000-0000-4000-8000-0000000000f4' };
const SECRET = 'storage-test-secret-value';

/** The RestError a call rejects with (fails the test when it resolves). */
async function restErrorOf(call: Promise<unknown>): Promise<RestError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof RestError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('sandbox storage front', () => {
  let sandbox: SandboxCloud;
  let service: (tenantId: string, clientId: string) => BlobServiceClient;

  beforeAll(async () => {
    const certificate = await createLocalCertificate();
    trustCertificate(certificate.caPem);
    const expiresAt = new Date(Date.now() + 86_400_000);
    sandbox = await startSandboxCloud({
      certificate,
      seed: {
        tenants: [{ tenantId: TENANT }, { tenantId: OTHER_TENANT }],
        subscriptions: [{ subscriptionId: SUBSCRIPTION, tenantId: TENANT }],
        apps: [
          { tenantId: TENANT, ...WRITER, secrets: [{ value: SECRET, expiresAt }] },
          { tenantId: OTHER_TENANT, ...OUTSIDER, secrets: [{ value: SECRET, expiresAt }] },
        ],
        resources: [{ id: ACCOUNT_ID, location: 'westeurope', kind: 'StorageV2' }],
        roleAssignments: [
          {
            principalId: WRITER.objectId,
            scope: `${ACCOUNT_ID}/blobServices/default/containers/exports`,
            roleName: 'Storage Blob Data Contributor',
          },
          { principalId: WRITER.objectId, scope: `/subscriptions/${SUBSCRIPTION}`, roleName: 'Owner' },
        ],
        storageContainers: [
          { account: 'stexports', container: 'exports' },
          { account: 'stexports', container: 'other' },
        ],
      },
    });
    service = (tenantId, clientId) =>
      new BlobServiceClient(
        `${sandbox.urls.storage}/stexports`,
        new ClientSecretCredential(tenantId, clientId, SECRET, {
          authorityHost: sandbox.urls.authorityHost,
          disableInstanceDiscovery: true,
        }),
        { retryOptions: { maxTries: 1 } },
      );
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it('stores, lists, reads and deletes a block blob for a Storage Blob Data Contributor of the container', async () => {
    const container = service(TENANT, WRITER.clientId).getContainerClient('exports');
    const body = JSON.stringify({ hello: 'world' });
    await container.getBlockBlobClient('a/b/snapshot.json').upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: 'a/' })) names.push(blob.name);
    expect(names).toEqual(['a/b/snapshot.json']);
    const read = await container.getBlockBlobClient('a/b/snapshot.json').downloadToBuffer();
    expect(JSON.parse(read.toString('utf8'))).toEqual({ hello: 'world' });
    const properties = await container.getBlockBlobClient('a/b/snapshot.json').getProperties();
    expect(properties.contentType).toBe('application/json');
    await container.deleteBlob('a/b/snapshot.json');
    expect(await container.getBlockBlobClient('a/b/snapshot.json').exists()).toBe(false);
  });

  it('answers 403 AuthorizationPermissionMismatch in XML when only a control-plane role (Owner) covers the container', async () => {
    const container = service(TENANT, WRITER.clientId).getContainerClient('other');
    const error = await restErrorOf(container.getBlockBlobClient('x.json').upload('{}', 2));
    expect(error.statusCode).toBe(403);
    expect(error.code).toBe('AuthorizationPermissionMismatch');
    expect(error.response?.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.response?.bodyAsText).toContain('<Error><Code>AuthorizationPermissionMismatch</Code><Message>');
  });

  it('refuses a token from another tenant with 401 InvalidAuthenticationInfo and a challenge naming the account tenant', async () => {
    const response = await fetch(`${sandbox.urls.storage}/stexports/exports/x.json`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await tokenFor(OTHER_TENANT, OUTSIDER.clientId)}`,
        'x-ms-blob-type': 'BlockBlob',
      },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-ms-error-code')).toBe('InvalidAuthenticationInfo');
    expect(response.headers.get('www-authenticate')).toContain(
      `https://login.microsoftonline.com/${TENANT}/oauth2/authorize`,
    );
    expect(await response.text()).toContain(
      '<AuthenticationErrorDetail>Issuer validation failed. Issuer did not match.',
    );
  });

  it('refuses a request without a token with 401 NoAuthenticationInformation', async () => {
    const response = await fetch(`${sandbox.urls.storage}/stexports/exports?restype=container`);
    expect(response.status).toBe(401);
    expect(response.headers.get('x-ms-error-code')).toBe('NoAuthenticationInformation');
  });

  it('answers 404 ContainerNotFound for a container that does not exist', async () => {
    sandbox.state.assignRole(WRITER.objectId, ACCOUNT_ID, 'Storage Blob Data Contributor');
    try {
      const container = service(TENANT, WRITER.clientId).getContainerClient('missing');
      const error = await restErrorOf(container.getBlockBlobClient('x.json').upload('{}', 2));
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('ContainerNotFound');
    } finally {
      sandbox.state.removeRole(WRITER.objectId, ACCOUNT_ID, 'Storage Blob Data Contributor');
    }
  });

  async function tokenFor(tenantId: string, clientId: string): Promise<string> {
    const credential = new ClientSecretCredential(tenantId, clientId, SECRET, {
      authorityHost: sandbox.urls.authorityHost,
      disableInstanceDiscovery: true,
    });
    return (await credential.getToken('https://storage.azure.com/.default')).token;
  }
});
