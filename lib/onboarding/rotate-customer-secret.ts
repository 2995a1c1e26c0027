import { needsKeyVaultSecret } from '../auth/needs-key-vault-secret';
import { auditedConnectionTest } from '../audit/audited-connection-test';
import type { ConnectionTestReport } from '../diagnose/run-connection-test';
import type { Logger } from '../logging/logger';
import { AppError } from '../errors/app-error';
import { validationError } from '../errors/validation-error';
import { credentialMaterialSchema } from './credential-material';
import type { OnboardingDependencies } from './onboarding-dependencies';
import { claimCustomerSecret } from './claim-customer-secret';
import { storeCustomerSecret, type StoredSecret } from './store-customer-secret';

export interface RotationResult {
  readonly customerId: string;
  readonly secret: StoredSecret;
  /** True when the customer's soft-deleted secret had to be recovered before the new version was written. */
  readonly secretRecovered?: boolean;
  readonly test: ConnectionTestReport;
}

/**
 * Stores a new client secret or certificate as a new Key Vault version and tests it at once. The
 * running worker needs no restart: its cached credential is keyed on the secret version, so the
 * next read (cache cleared here, and at most a minute old elsewhere) builds a fresh credential.
 * @param body `{ secret }` or `{ certificate }`, optionally `expiresOn`.
 */
export async function rotateCustomerSecret(
  deps: OnboardingDependencies,
  id: string,
  body: unknown,
  log: Logger,
): Promise<RotationResult> {
  const parsed = credentialMaterialSchema.safeParse(body ?? {});
  if (!parsed.success) throw validationError('InvalidCredential', 'Credential', parsed.error);
  const customer = await deps.registry.get(id);
  if (!needsKeyVaultSecret(customer.authMode)) {
    throw new AppError({
      kind: 'validation',
      code: 'SecretNotUsed',
      message: `Customer ${id} uses ${customer.authMode}: it has no secret to rotate`,
    });
  }
  // Only this customer's secret is overwritten; its own soft-deleted secret is recovered first (else 409).
  const slot = await claimCustomerSecret(deps.secretClient, customer);
  const secret = await storeCustomerSecret(deps.secretClient, customer, parsed.data, deps.now());
  deps.secrets.forget(customer.secretName);
  deps.credentials.forget(id);
  const test = await auditedConnectionTest(deps, customer, log);
  return { customerId: id, secret, ...(slot === 'recovered' ? { secretRecovered: true } : {}), test };
}
