import { defaultSecretName } from '../../customers/customer';
import type { SandboxVaultSecretSeed } from '../sandbox/sandbox-seed';

/**
 * A demo customer's client secret as the product stores it at onboarding: at the customer's default
 * secret name, tagged with its owner (the collector refuses a secret not tagged for the customer).
 */
export function demoClientSecret(customerId: string, value: string, expiresOn: Date): SandboxVaultSecretSeed {
  return {
    name: defaultSecretName(customerId),
    value,
    tags: { customerId },
    expiresOn,
    contentType: 'client-secret',
  };
}
