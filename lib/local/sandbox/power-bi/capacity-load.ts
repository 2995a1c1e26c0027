import type { ModelQuantity } from './capacity-metrics-model-versions';

/** How a sandbox capacity is used: `busy` goes over 100 % from minute 20 to 40 of every hour. */
export type CapacityProfile = 'steady' | 'busy';

/** The app's data lags 10–15 minutes behind (Microsoft Learn, "What is the Microsoft Fabric Capacity Metrics app?"). */
export const MODEL_LAG_MS = 12 * 60_000;

/**
 * Deterministic CU load of a capacity at a 30-second timepoint, as the app's measures report it
 * (percent of the capacity's CU per timepoint). Busy capacities throttle: interactive delay passes 100 %
 * (interactive delay starts) and at the peak interactive rejection does too.
 */
export function capacityLoad(profile: CapacityProfile, cuLimit: number, at: number): Record<ModelQuantity, number> {
  const minute = Math.floor(at / 60_000) % 60;
  const wave = Math.sin((2 * Math.PI * at) / (3 * 3_600_000));
  const busy = profile === 'busy' && minute >= 20 && minute < 40;
  const total = busy ? 105 + 25 * Math.sin((Math.PI * (minute - 20 + ((at / 30_000) % 2) / 2)) / 20) : 40 + 12 * wave;
  const carryCumulative = busy ? (minute - 19) * 6 : 0;
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    interactive: round(total * 0.35),
    background: round(total * 0.65),
    interactivePreview: round(total * 0.02),
    backgroundPreview: round(total * 0.03),
    delay: round(total * 0.96),
    interactiveRejection: round(busy ? total * 0.88 : total * 0.5),
    backgroundRejection: round(total * 0.3),
    carryAdd: round(Math.max(0, total - 100)),
    carryBurndown: round(busy ? 0 : carryCumulative > 0 ? 100 - total : 0),
    carryCumulative: round(carryCumulative),
    cuLimit,
    other: round(total / 2),
  };
}
