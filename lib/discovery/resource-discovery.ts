import { createHash } from 'node:crypto';
import type { ServiceClient } from '@azure/core-client';
import type { Customer, DiscoveryConfig } from '../customers/customer';
import type { Logger } from '../logging/logger';
import { buildResourceGraphQuery } from './build-resource-graph-query';
import type { DiscoveryEntry } from './discovery-entry';
import type { DiscoveryStore } from './discovery-store';
import { queryResourceGraph, type DiscoveredResource } from './query-resource-graph';
import { mergeResourceTargets } from './merge-resource-targets';
import { reconcileDiscovery } from './reconcile-discovery';

/** The ARM client discovery sends through (the customer's ResourceManagementClient). */
export type ResourceGraphClient = Pick<ServiceClient, 'sendRequest'>;

export interface DiscoveryResult {
  /** The resources to collect: active entries of the list used (fresh, cached, or stale after a failure). */
  readonly resources: readonly DiscoveredResource[];
  /** `cache`: reused within cacheHours; `query`: Resource Graph was asked; `stale`: the query failed. */
  readonly source: 'cache' | 'query' | 'stale';
  readonly added: readonly DiscoveryEntry[];
  readonly vanished: readonly DiscoveryEntry[];
  /** Why the query failed (source `stale`); the caller diagnoses it. */
  readonly error?: unknown;
}

export interface ResourceDiscoveryOptions {
  readonly armEndpoint: string;
  /** Default cache lifetime (DISCOVERY_CACHE_HOURS); a customer's `discovery.cacheHours` wins. */
  readonly cacheHours: number;
  readonly now: () => Date;
  /** Rows per Resource Graph page (tests make it small to exercise `$skipToken`). */
  readonly pageSize?: number;
}

/**
 * Resource discovery per customer: the cached list while it is fresh, otherwise a Resource Graph query
 * whose result is reconciled with the cache. New resources join the list; resources that vanished stop
 * being collected and are logged once as `ResourceVanished` (after the cache records them, so a crash
 * in between cannot report twice; at worst the report is lost, never repeated).
 */
export class ResourceDiscovery {
  constructor(
    private readonly store: DiscoveryStore,
    private readonly options: ResourceDiscoveryOptions,
  ) {}

  /**
   * The customer with its cached discovered resources merged into `resources` (no query): what the
   * recent runs collected, so reads (metrics queries, resources, dashboard) see discovered resources too.
   */
  async withKnownResources(customer: Customer): Promise<Customer> {
    if (!customer.discovery) return customer;
    const known = await this.store.read(customer.id);
    const discovered = known.entries.filter((e) => !e.vanishedAt).map(toResource);
    return { ...customer, resources: mergeResourceTargets(customer.resources, discovered, customer.discovery.metrics) };
  }

  /** Forgets a customer's discovered list (the customer was removed). */
  forget(customerId: string): Promise<void> {
    return this.store.remove(customerId);
  }

  /**
   * The customer's discovered resources for this run (empty without discovery settings). Never throws
   * for a failed query: it returns the last known list with the error, so configured and previously
   * discovered resources are still collected; storage failures do throw (our side, retryable).
   */
  async discover(
    customer: Customer,
    client: ResourceGraphClient,
    log: Logger,
    abortSignal?: AbortSignal,
  ): Promise<DiscoveryResult> {
    const config = customer.discovery;
    if (!config) return { resources: [], source: 'cache', added: [], vanished: [] };
    const now = this.options.now();
    const scopeKey = scopeKeyOf(config);
    const known = await this.store.read(customer.id);
    const maxAgeMs = (config.cacheHours ?? this.options.cacheHours) * 3_600_000;
    const active = () => known.entries.filter((e) => !e.vanishedAt).map(toResource);
    if (
      known.meta &&
      known.meta.scopeKey === scopeKey &&
      now.getTime() - Date.parse(known.meta.discoveredAt) < maxAgeMs
    ) {
      return { resources: active(), source: 'cache', added: [], vanished: [] };
    }

    let found: DiscoveredResource[];
    try {
      found = await this.query(config, client, abortSignal);
    } catch (error) {
      log.warn(`Resource discovery failed for ${customer.id}; using the last known list`, {
        customerId: customer.id,
        event: 'DiscoveryFailed',
        known: known.entries.length,
      });
      return { resources: active(), source: 'stale', added: [], vanished: [], error };
    }
    const reconciled = reconcileDiscovery(known.entries, found, config, now);
    const activeEntries = reconciled.entries.filter((e) => !e.vanishedAt);
    await this.store.save(
      customer.id,
      { discoveredAt: now.toISOString(), scopeKey, activeCount: activeEntries.length },
      reconciled.entries,
      reconciled.removed,
    );
    for (const entry of reconciled.added) {
      log.info(`Discovered ${entry.resourceId} for ${customer.id}`, {
        customerId: customer.id,
        event: 'ResourceDiscovered',
        resourceId: entry.resourceId,
        resourceType: entry.type,
      });
    }
    for (const entry of reconciled.vanished) {
      log.warn(`Resource ${entry.resourceId} of ${customer.id} has vanished; it is no longer collected`, {
        customerId: customer.id,
        event: 'ResourceVanished',
        resourceId: entry.resourceId,
        resourceType: entry.type,
        lastSeenAt: entry.lastSeenAt,
      });
    }
    return {
      resources: activeEntries.map(toResource),
      source: 'query',
      added: reconciled.added,
      vanished: reconciled.vanished,
    };
  }

  /** Queries Resource Graph now, without reading or changing the cache (the connection test). */
  async preview(
    customer: Customer,
    client: ResourceGraphClient,
    abortSignal?: AbortSignal,
  ): Promise<DiscoveredResource[]> {
    return customer.discovery ? this.query(customer.discovery, client, abortSignal) : [];
  }

  private query(
    config: DiscoveryConfig,
    client: ResourceGraphClient,
    abortSignal?: AbortSignal,
  ): Promise<DiscoveredResource[]> {
    return queryResourceGraph(
      client,
      this.options.armEndpoint,
      {
        subscriptions: config.subscriptions,
        query: buildResourceGraphQuery(config.resourceTypes),
        ...(this.options.pageSize ? { pageSize: this.options.pageSize } : {}),
      },
      abortSignal,
    );
  }
}

/** Identifies the configured scope; order and case do not matter. */
function scopeKeyOf(config: DiscoveryConfig): string {
  const canonical = [
    [...config.subscriptions].map((s) => s.toLowerCase()).sort(),
    [...config.resourceTypes].map((t) => t.toLowerCase()).sort(),
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 32);
}

function toResource(entry: DiscoveryEntry): DiscoveredResource {
  return { id: entry.resourceId, name: entry.name, type: entry.type, location: entry.location };
}
