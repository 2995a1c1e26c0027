/** One resource a customer's discovery has seen, as the discovery table keeps it. */
export interface DiscoveryEntry {
  readonly resourceId: string;
  readonly name: string;
  /** Lower case, as Resource Graph reports it. */
  readonly type: string;
  readonly location: string;
  /** ISO time of the first query that returned it. */
  readonly firstSeenAt: string;
  /** ISO time of the latest query that returned it. */
  readonly lastSeenAt: string;
  /** ISO time of the first query that no longer returned it; set once, so it is reported once. */
  readonly vanishedAt?: string;
}

/** The per-customer summary of the latest successful Resource Graph query. */
export interface DiscoveryMeta {
  readonly discoveredAt: string;
  /** Which subscriptions and types the list was discovered for: a changed configuration refreshes at once. */
  readonly scopeKey: string;
  readonly activeCount: number;
}
