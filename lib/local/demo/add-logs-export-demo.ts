import { EXPORT_TABLES } from '../../export/export-tables';
import type { SandboxSeed } from '../sandbox/sandbox-seed';
import { DEFAULT_HOME_SUBSCRIPTION, DEFAULT_MANAGED_IDENTITY } from '../sandbox/sandbox-state';

/** The demo data collection rule's immutable id (infra/modules/logs-export.bicep deploys the real one). */
export const DEMO_LOGS_EXPORT_RULE_ID = 'dcr-00000000000040008000c7c0e2e0c7c0';

/**
 * Adds the analytics export to a scenario: a data collection rule declaring the app's streams (as the
 * Bicep does) and Monitoring Metrics Publisher on it for the app's managed identity (the rbac module's
 * assignment), so `npm start` exports end to end.
 */
export function addLogsExportDemo<T extends { seed: SandboxSeed }>(scenario: T): T {
  const identity = scenario.seed.managedIdentity ?? DEFAULT_MANAGED_IDENTITY;
  // The rule lives in the provider's own subscription, beside the vault.
  const subscription =
    /^\/subscriptions\/([^/]+)/i.exec(scenario.seed.vaultResourceId ?? '')?.[1] ?? DEFAULT_HOME_SUBSCRIPTION;
  const rule = {
    immutableId: DEMO_LOGS_EXPORT_RULE_ID,
    resourceId: `/subscriptions/${subscription}/resourceGroups/rg-collector/providers/Microsoft.Insights/dataCollectionRules/dcr-ctc-export`,
  };
  const streams = Object.fromEntries(
    EXPORT_TABLES.map((t) => [t.stream, t.columns.map(({ name, type }) => ({ name, type }))]),
  );
  return {
    ...scenario,
    seed: {
      ...scenario.seed,
      dataCollectionRules: [...(scenario.seed.dataCollectionRules ?? []), { ...rule, streams }],
      roleAssignments: [
        ...(scenario.seed.roleAssignments ?? []),
        {
          principalId: identity.objectId,
          scope: rule.resourceId,
          roleName: 'Monitoring Metrics Publisher',
        },
      ],
    },
  };
}
