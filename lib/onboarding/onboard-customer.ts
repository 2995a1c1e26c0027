import { needsKeyVaultSecret } from '../auth/needs-key-vault-secret';
import type { Customer } from '../customers/customer';
import { CustomerRegistry } from '../customers/customer-registry';
import { auditedConnectionTest } from '../audit/audited-connection-test';
import type { ConnectionTestReport } from '../diagnose/run-connection-test';
import type { Logger } from '../logging/logger';
import { AppError } from '../errors/app-error';
import { validationError } from '../errors/validation-error';
import { CREDENTIAL_FIELDS, credentialMaterialSchema, type CredentialMaterial } from './credential-material';
import type { OnboardingDependencies } from './onboarding-dependencies';
import { assertServiceUrl } from '../trust/service-host-allow-list';
import { claimCustomerSecret } from './claim-customer-secret';
import { storeCustomerSecret, type StoredSecret } from './store-customer-secret';

export interface OnboardingResult {
  readonly customer: Customer;
  readonly created: boolean;
  /** The Key Vault version written, when a secret or certificate was sent (never its value). */
  readonly secret?: StoredSecret;
  /** True when the customer's soft-deleted secret was recovered (re-onboarding after a removal). */
  readonly secretRecovered?: boolean;
  /** The connection test run right after registering: the verdict the provider acts on. */
  readonly test: ConnectionTestReport;
}

/**
 * Registers (or replaces) a customer from one request body: validates ids and resources, writes a
 * secret or certificate to Key Vault when one is sent (the registry only ever holds its name),
 * registers the customer and runs the connection test at once.
 * @param body the customer fields plus optional `secret` / `certificate` / `expiresOn`.
 * @throws a validation AppError (every problem named, no secret echoed) before anything is written.
 */
export async function onboardCustomer(
  deps: OnboardingDependencies,
  id: string,
  body: unknown,
  log: Logger,
): Promise<OnboardingResult> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError({ kind: 'validation', code: 'InvalidRequest', message: 'Request body must be a JSON object' });
  }
  const { registration, material } = splitBody(body as Record<string, unknown>);
  if (registration.id !== undefined && registration.id !== id) {
    throw new AppError({
      kind: 'validation',
      code: 'InvalidRequest',
      message: `Body id "${String(registration.id)}" does not match route id "${id}"`,
    });
  }
  const customer = CustomerRegistry.validate({ ...registration, id });
  // Every URL the record carries must be an Azure service host: the customer's token goes there.
  if (customer.delivery)
    assertServiceUrl(customer.delivery.blobServiceUrl, deps.config.serviceHosts, 'delivery.blobServiceUrl');
  const hasMaterial = material.secret !== undefined || material.certificate !== undefined;
  if (hasMaterial && !needsKeyVaultSecret(customer.authMode)) {
    throw new AppError({
      kind: 'validation',
      code: 'SecretNotUsed',
      message: `Customer ${id} uses ${customer.authMode}, which needs no secret: do not send one`,
    });
  }
  const existing = await deps.registry.find(id);
  // The secret name must be this customer's (tag), and a soft-deleted one of its own comes back first.
  const slot = needsKeyVaultSecret(customer.authMode)
    ? await claimCustomerSecret(deps.secretClient, customer)
    : undefined;
  const secret = hasMaterial ? await storeCustomerSecret(deps.secretClient, customer, material, deps.now()) : undefined;
  if (secret || slot === 'recovered') deps.secrets.forget(customer.secretName);
  if (existing) deps.credentials.forget(id);
  await deps.registry.put(customer);
  const test = await auditedConnectionTest(deps, customer, log);
  return {
    customer,
    created: !existing,
    ...(secret ? { secret } : {}),
    ...(slot === 'recovered' ? { secretRecovered: true } : {}),
    test,
  };
}

/** Splits credential fields off the registration, refusing any other secret-looking field. */
function splitBody(record: Record<string, unknown>): {
  registration: Record<string, unknown>;
  material: CredentialMaterial;
} {
  const registration: Record<string, unknown> = {};
  const credential: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if ((CREDENTIAL_FIELDS as readonly string[]).includes(key)) credential[key] = value;
    else if (/secret|password|certificate|private.?key/i.test(key) && key !== 'secretName') {
      throw new AppError({
        kind: 'validation',
        code: 'SecretInRequest',
        message: `Field "${key}" looks like a secret: send a client secret as "secret" or a PEM as "certificate"; they go to Key Vault, never the registry`,
      });
    } else registration[key] = value;
  }
  const parsed = credentialMaterialSchema.safeParse(credential);
  if (!parsed.success) throw validationError('InvalidCredential', 'Credential', parsed.error);
  return { registration, material: parsed.data };
}
