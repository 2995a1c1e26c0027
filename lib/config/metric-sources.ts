/**
 * Where metric datapoints come from, and how late each source delivers them. A source's look-back is an
 * app setting (generated into the settings catalogue from this list); its ingestion delay is what the
 * source documents and decides when a bucket stops being provisional. Adding a source is one entry here.
 */
export interface MetricSourceSpec {
  readonly id: string;
  readonly label: string;
  /** App setting: minutes before each window that every run re-reads (0 turns the look-back off). */
  readonly lookBackSetting: string;
  readonly defaultLookBackMinutes: number;
  /**
   * Minutes after a bucket closes during which late samples may still land in it (a read before then
   * stores the bucket as provisional).
   */
  readonly ingestionDelayMinutes: number;
}

export const METRIC_SOURCES = [
  // Platform metrics are "near real-time" (learn.microsoft.com, Azure Monitor Metrics overview), in practice
  // 1–3 minutes late and sometimes more (Promitor #198 measured 2–3 min; Dynatrace's Azure poller waits 5 min,
  // "Azure Monitor is an eventually consistent metrics API"). Ten minutes covers the
  // long tail; re-reading twenty before each window completes the buckets an on-time run left partial, as the
  // OpenTelemetry receiver's fix for lost points did (opentelemetry-collector-contrib #37337 / #37342).
  {
    id: 'azureMonitor',
    label: 'Azure Monitor platform metrics',
    lookBackSetting: 'AZURE_MONITOR_LOOKBACK_MINUTES',
    defaultLookBackMinutes: 20,
    ingestionDelayMinutes: 10,
  },
  // Fabric capacity utilization (lib/fabric): the Capacity Metrics app's model, whose data lags 10–15 minutes
  // behind (Microsoft Learn, "What is the Microsoft Fabric Capacity Metrics app?"; issue 10), or pushed Real-Time
  // hub events, best effort and as late. Its look-back keeps the setting name it has always had.
  {
    id: 'fabricCapacity',
    label: 'Fabric capacity utilization (the Capacity Metrics app model, or pushed capacity events)',
    lookBackSetting: 'FABRIC_LOOKBACK_MINUTES',
    defaultLookBackMinutes: 30,
    ingestionDelayMinutes: 15,
  },
] as const satisfies readonly MetricSourceSpec[];

export type MetricSourceId = (typeof METRIC_SOURCES)[number]['id'];

/** A source's timing as the collector uses it. */
export interface MetricSourceTiming {
  readonly lookBackMs: number;
  readonly ingestionDelayMs: number;
}
