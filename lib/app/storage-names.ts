/** Names of the storage resources the app uses; infra/ creates the same ones. */
export const COLLECT_QUEUE = 'collect-customer';
export const CUSTOMERS_TABLE = 'customers';
export const CUSTOMER_STATUS_TABLE = 'customerstatus';
export const METRICS_TABLE = 'metrics';
/** Progress of collection runs (scheduled and on-demand), for `GET /api/runs/{runId}` and the dashboard. */
export const RUNS_TABLE = 'runs';
/** Health state per customer (healthy/degraded/failing/stale, secret expiry), for `GET /api/health`. */
export const CUSTOMER_HEALTH_TABLE = 'customerhealth';
/** Every call made into a customer's tenant, for `GET /api/customers/{id}/audit`. */
export const AUDIT_TABLE = 'audit';
/** Resources found per customer through Azure Resource Graph (cache, and which vanished ones were reported). */
export const DISCOVERY_TABLE = 'discovery';
/** Every admin action through the HTTP API (who, what, which customer, when, outcome). */
export const OPERATOR_AUDIT_TABLE = 'operatoraudit';
/** Fabric: each customer's Capacity Metrics model (cache), pushed capacity events, ingest key hashes. */
export const FABRIC_TABLE = 'fabric';
export const SNAPSHOTS_CONTAINER = 'snapshots';
/** Per-series summaries (latest point, hourly roll-ups for 7 days) that the fleet views read instead of history. */
export const SUMMARIES_TABLE = 'summaries';
/** Analytics exports that failed and are sent with the customer's next run (markers, not data copies). */
export const EXPORT_PENDING_TABLE = 'exportpending';
/** The host storage connection (app setting prefix) every binding uses. */
export const STORAGE_CONNECTION = 'AzureWebJobsStorage';
