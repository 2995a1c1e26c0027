import { authenticateBearer } from './authenticate-bearer';
import { readRequestBody } from './read-request-body';
import { SECRET_READ_ROLES, SECRET_WRITE_ROLES } from './role-definitions';
import { KEY_VAULT_AUDIENCE, type SandboxContext, type SandboxRequestHandler } from './sandbox-context';
import type { SandboxRoleName } from './sandbox-seed';
import type { SandboxVaultSecretVersion } from './sandbox-state';
import { sendJson } from './send-json';

/** Soft-delete retention the sandbox reports (Azure's default). */
const RETENTION_DAYS = 90;

/**
 * Serves the Key Vault secrets data plane for the provider's vault: challenge auth, RBAC
 * (Key Vault Secrets User / Officer on the vault), get / set / delete / list secrets and
 * deleted secrets, recover and purge, with bodies shaped like the REST API examples (7.5).
 * Soft delete as Key Vault does it (learn.microsoft.com/azure/key-vault/general/soft-delete-overview):
 * a deleted name cannot be set again (409 Conflict, inner code ObjectIsDeletedButRecoverable) until
 * it is recovered (`POST /deletedsecrets/{name}/recover`, Recover Deleted Secret: returns the secret
 * bundle without its value, all versions and their tags back) or purged (`DELETE /deletedsecrets/{name}`,
 * 204). Tags belong to each version and come back with the secret's properties.
 */
export const handleVaultRequest: SandboxRequestHandler = async (context, req, res, path, query) => {
  const { state } = context;
  const challenge = {
    'www-authenticate': `Bearer authorization="${context.urls.authorityHost}/${state.homeTenantId}", resource="${KEY_VAULT_AUDIENCE}"`,
  };
  const auth = authenticateBearer(context, req, [KEY_VAULT_AUDIENCE]);
  if (!auth.ok) {
    const message =
      auth.reason === 'missing'
        ? 'AKV10000: Request is missing a Bearer or PoP token.'
        : auth.reason === 'expired'
          ? 'AKV10022: Invalid audience or token expired.'
          : auth.reason === 'audience'
            ? `AKV10022: Invalid audience. Expected ${KEY_VAULT_AUDIENCE}, found: ${auth.claims?.aud ?? ''}.`
            : 'AKV10032: Invalid issuer or token signature.';
    return sendJson(res, 401, { error: { code: 'Unauthorized', message } }, challenge);
  }
  if (auth.claims.tid.toLowerCase() !== state.homeTenantId.toLowerCase()) {
    const message = `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${state.homeTenantId}/, found ${auth.claims.iss}.`;
    return sendJson(res, 401, { error: { code: 'Unauthorized', message } }, challenge);
  }
  if (!query.get('api-version')) {
    return sendJson(res, 400, { error: { code: 'BadParameter', message: 'The api-version parameter is missing.' } });
  }

  const [collection, name, version] = path.split('/').filter(Boolean);
  const method = req.method ?? 'GET';
  const forbidden = (action: string, roles: readonly SandboxRoleName[], target: string): boolean => {
    if (state.hasRole(auth.principal, state.vaultResourceId, roles)) return false;
    sendJson(res, 403, buildForbidden(context, auth.claims, action, target));
    return true;
  };
  const vaultUrl = context.urls.keyVault;

  if (collection === 'secrets' && !name && method === 'GET') {
    if (
      forbidden(
        'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
        SECRET_READ_ROLES,
        `${state.vaultResourceId}/secrets`,
      )
    )
      return;
    const value = state.listVaultSecrets().map((s) => ({ id: `${vaultUrl}/secrets/${s.name}`, ...metadataOf(s) }));
    return sendJson(res, 200, { value, nextLink: null });
  }
  // GetSecretVersions: every version's id, attributes and tags, never a value; enabled and disabled alike
  // (learn.microsoft.com/rest/api/keyvault/secrets/get-secret-versions; needs secrets/list, i.e. readMetadata).
  if (collection === 'secrets' && name && version === 'versions' && method === 'GET') {
    if (
      forbidden(
        'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
        SECRET_READ_ROLES,
        `${state.vaultResourceId}/secrets/${name}`,
      )
    )
      return;
    const versions = state.listVaultSecretVersions(name);
    if (versions.length === 0) return sendJson(res, 404, secretNotFound(name, vaultUrl));
    const value = versions.map((v) => ({ id: `${vaultUrl}/secrets/${v.name}/${v.version}`, ...metadataOf(v) }));
    return sendJson(res, 200, { value, nextLink: null });
  }
  if (collection === 'secrets' && name && method === 'GET') {
    if (
      forbidden(
        'Microsoft.KeyVault/vaults/secrets/getSecret/action',
        SECRET_READ_ROLES,
        `${state.vaultResourceId}/secrets/${name}`,
      )
    )
      return;
    const secret = state.findVaultSecret(name, version);
    if (!secret) return sendJson(res, 404, secretNotFound(name, vaultUrl));
    if (!secret.enabled) {
      return sendJson(res, 403, {
        error: {
          code: 'Forbidden',
          message: 'Operation get is not allowed on a disabled secret.',
          innererror: { code: 'SecretDisabled' },
        },
      });
    }
    return sendJson(res, 200, bundleOf(secret, vaultUrl));
  }
  if (collection === 'secrets' && name && !version && method === 'PUT') {
    if (
      forbidden(
        'Microsoft.KeyVault/vaults/secrets/setSecret/action',
        SECRET_WRITE_ROLES,
        `${state.vaultResourceId}/secrets/${name}`,
      )
    )
      return;
    if (state.findDeletedVaultSecret(name)) {
      const message = `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`;
      return sendJson(res, 409, {
        error: { code: 'Conflict', message, innererror: { code: 'ObjectIsDeletedButRecoverable' } },
      });
    }
    const body = parseSetSecretBody(await readRequestBody(req));
    if (!body) return sendJson(res, 400, { error: { code: 'BadParameter', message: 'Property value is required.' } });
    const created = state.setVaultSecret(name, body.value, body.options);
    return sendJson(res, 200, bundleOf(created, vaultUrl));
  }
  if (collection === 'secrets' && name && !version && method === 'DELETE') {
    if (
      forbidden(
        'Microsoft.KeyVault/vaults/secrets/delete',
        SECRET_WRITE_ROLES,
        `${state.vaultResourceId}/secrets/${name}`,
      )
    )
      return;
    const deleted = state.deleteVaultSecret(name);
    if (!deleted) return sendJson(res, 404, secretNotFound(name, vaultUrl));
    return sendJson(res, 200, deletedBundleOf(deleted.latest, deleted.deletedDate, vaultUrl));
  }
  if (collection === 'deletedsecrets' && name && method === 'GET') {
    if (
      forbidden(
        'Microsoft.KeyVault/vaults/deletedSecrets/read',
        SECRET_WRITE_ROLES,
        `${state.vaultResourceId}/deletedsecrets/${name}`,
      )
    )
      return;
    const deleted = state.findDeletedVaultSecret(name);
    if (!deleted) {
      return sendJson(res, 404, { error: { code: 'SecretNotFound', message: `Deleted Secret not found: ${name}` } });
    }
    const { value: _value, ...withoutValue } = deletedBundleOf(deleted.latest, deleted.deletedDate, vaultUrl);
    return sendJson(res, 200, withoutValue);
  }
  if (collection === 'deletedsecrets' && name && version === 'recover' && method === 'POST') {
    if (
      forbidden(
        'Microsoft.KeyVault/vaults/secrets/recover/action',
        SECRET_WRITE_ROLES,
        `${state.vaultResourceId}/deletedsecrets/${name}`,
      )
    )
      return;
    const recovered = state.recoverDeletedVaultSecret(name);
    if (!recovered) {
      return sendJson(res, 404, { error: { code: 'SecretNotFound', message: `Deleted Secret not found: ${name}` } });
    }
    const { value: _value, ...withoutValue } = bundleOf(recovered, vaultUrl);
    return sendJson(res, 200, withoutValue);
  }
  if (collection === 'deletedsecrets' && name && !version && method === 'DELETE') {
    if (
      forbidden(
        'Microsoft.KeyVault/vaults/deletedSecrets/delete',
        SECRET_WRITE_ROLES,
        `${state.vaultResourceId}/deletedsecrets/${name}`,
      )
    )
      return;
    if (!state.purgeDeletedVaultSecret(name)) {
      return sendJson(res, 404, { error: { code: 'SecretNotFound', message: `Deleted Secret not found: ${name}` } });
    }
    res.writeHead(204).end();
    return;
  }
  sendJson(res, 400, {
    error: { code: 'BadParameter', message: `The sandbox vault does not support ${method} ${path}` },
  });
};

/** The secret bundle of GetSecret/SetSecret (keys in the examples' order; optional ones only when set). */
export function bundleOf(secret: SandboxVaultSecretVersion, vaultUrl: string): Record<string, unknown> {
  return { value: secret.value, id: `${vaultUrl}/secrets/${secret.name}/${secret.version}`, ...metadataOf(secret) };
}

function metadataOf(secret: SandboxVaultSecretVersion): Record<string, unknown> {
  return {
    ...(secret.contentType !== undefined ? { contentType: secret.contentType } : {}),
    attributes: {
      enabled: secret.enabled,
      ...(secret.notBefore ? { nbf: unixSeconds(secret.notBefore) } : {}),
      ...(secret.expiresOn ? { exp: unixSeconds(secret.expiresOn) } : {}),
      created: unixSeconds(secret.created),
      updated: unixSeconds(secret.updated),
      recoveryLevel: 'Recoverable+Purgeable',
    },
    ...(secret.tags ? { tags: secret.tags } : {}),
  };
}

function deletedBundleOf(
  secret: SandboxVaultSecretVersion,
  deletedDate: Date,
  vaultUrl: string,
): Record<string, unknown> {
  return {
    recoveryId: `${vaultUrl}/deletedsecrets/${secret.name}`,
    deletedDate: unixSeconds(deletedDate),
    scheduledPurgeDate: unixSeconds(deletedDate) + RETENTION_DAYS * 86_400,
    ...bundleOf(secret, vaultUrl),
  };
}

function secretNotFound(name: string, vaultUrl: string): unknown {
  return {
    error: {
      code: 'SecretNotFound',
      message: `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182 (vault: ${vaultUrl})`,
    },
  };
}

function buildForbidden(
  context: SandboxContext,
  claims: { appid: string; oid: string; iss: string },
  action: string,
  target: string,
): unknown {
  const vaultName = context.state.vaultResourceId.split('/').pop() ?? 'vault';
  const message =
    'Caller is not authorized to perform action on resource.\r\n' +
    'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n' +
    `Caller: appid=${claims.appid};oid=${claims.oid};iss=${claims.iss}\r\n` +
    `Action: '${action}'\r\n` +
    `Resource: '${target.toLowerCase()}'\r\n` +
    'Assignment: (not found)\r\n' +
    "DecisionReason: 'DeniedWithNoValidRBAC' \r\n" +
    `Vault: ${vaultName};location=westeurope\r\n`;
  return { error: { code: 'Forbidden', message, innererror: { code: 'ForbiddenByRbac' } } };
}

function parseSetSecretBody(text: string):
  | {
      value: string;
      options: {
        contentType?: string;
        tags?: Record<string, string>;
        enabled?: boolean;
        expiresOn?: Date;
        notBefore?: Date;
      };
    }
  | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const body = parsed as {
    value?: unknown;
    contentType?: unknown;
    tags?: unknown;
    attributes?: { enabled?: unknown; exp?: unknown; nbf?: unknown };
  };
  if (typeof body.value !== 'string') return undefined;
  const attributes = body.attributes ?? {};
  return {
    value: body.value,
    options: {
      ...(typeof body.contentType === 'string' ? { contentType: body.contentType } : {}),
      ...(body.tags && typeof body.tags === 'object' ? { tags: body.tags as Record<string, string> } : {}),
      ...(typeof attributes.enabled === 'boolean' ? { enabled: attributes.enabled } : {}),
      ...(typeof attributes.exp === 'number' ? { expiresOn: new Date(attributes.exp * 1000) } : {}),
      ...(typeof attributes.nbf === 'number' ? { notBefore: new Date(attributes.nbf * 1000) } : {}),
    },
  };
}

function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
