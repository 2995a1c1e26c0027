import type { SecretClient } from '@azure/keyvault-secrets';
import type { CollectDependencies } from '../collect/collect-customer';

/** What onboarding needs: the collector's dependencies (registry, stores, test run) plus a vault writer. */
export interface OnboardingDependencies extends CollectDependencies {
  /** The app's Key Vault client; writing needs Key Vault Secrets Officer on the vault. */
  readonly secretClient: SecretClient;
}
