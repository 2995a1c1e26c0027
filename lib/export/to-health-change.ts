import type { HealthChange } from './to-export-rows';

/** The export's view of a stored health evaluation that changed (structurally a `StoredHealth`). */
export function toHealthChange(
  health: Omit<HealthChange, 'oldState' | 'newState'> & { readonly state: string },
  oldState: string,
): HealthChange {
  return {
    customerId: health.customerId,
    oldState,
    newState: health.state,
    ...(health.mustAct ? { mustAct: health.mustAct } : {}),
    reason: health.reason,
    ...(health.code ? { code: health.code } : {}),
    consecutiveFailures: health.consecutiveFailures,
    secretExpiry: health.secretExpiry,
    ...(health.secretExpiresOn ? { secretExpiresOn: health.secretExpiresOn } : {}),
    ...(health.daysToExpiry !== undefined ? { daysToExpiry: health.daysToExpiry } : {}),
    changedAt: health.changedAt,
  };
}
