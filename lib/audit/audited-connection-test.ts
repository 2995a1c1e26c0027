import type { CollectDependencies } from '../collect/collect-customer';
import type { Customer } from '../customers/customer';
import { runConnectionTest, type ConnectionTestReport } from '../diagnose/run-connection-test';
import type { Logger } from '../logging/logger';
import { withCustomerAudit, type AuditDependencies } from './with-customer-audit';

/**
 * The connection test, audited: it reaches into the customer's tenant like a collection does, so every
 * caller (the test endpoint, onboarding, rotation) records its calls under a `test-…` run id.
 */
export function auditedConnectionTest(
  deps: CollectDependencies & AuditDependencies,
  customer: Customer,
  log: Logger,
): Promise<ConnectionTestReport> {
  const runId = `test-${deps.now().toISOString().replace(/[-:.]/g, '')}`;
  return withCustomerAudit(deps, customer.id, runId, log, () => runConnectionTest(customer, deps));
}
