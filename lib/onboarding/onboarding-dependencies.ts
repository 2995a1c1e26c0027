import type { SecretClient } from '@azure/keyvault-secrets';
import type { AppConfig } from '../config/load-config';
import type { AuditDependencies } from '../audit/with-customer-audit';
import type { CollectDependencies } from '../collect/collect-customer';
import type { CustomerHealthStore } from '../health/customer-health-store';

/** What onboarding needs: the collector's dependencies (registry, stores, test run) plus a vault writer. */
export interface OnboardingDependencies extends CollectDependencies, AuditDependencies {
  /** The app's Key Vault client; writing needs Key Vault Secrets Officer on the vault. */
  readonly secretClient: SecretClient;
  /** Health rows go with the registration when a customer is removed. */
  readonly health: CustomerHealthStore;
  /** Where customer URLs may point (the allow-list every URL in a registration is checked against). */
  readonly config: AuditDependencies['config'] & Pick<AppConfig, 'serviceHosts'>;
}
