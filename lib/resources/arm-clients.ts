import { MonitorClient } from '@azure/arm-monitor';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/identity';
import { MetricsClient } from '@azure/monitor-query-metrics';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { ApiVersionResolver } from './api-version-resolver';
import { throttlePolicyEntry } from './throttle-policy';

/** Extra SDK pipeline policies (e.g. the access audit), as clients take them. */
export type AdditionalPolicies = ReadonlyArray<{ policy: PipelinePolicy; position: 'perCall' | 'perRetry' }>;

export interface ArmClients {
  readonly monitor: MonitorClient;
  readonly resources: ResourceManagementClient;
  /** Shared by every customer: provider API versions are global. */
  readonly apiVersions: ApiVersionResolver;
  /** The metrics batch client for a region (`metrics:getBatch` on the regional metrics host). */
  metricsBatch(region: string): MetricsClient;
}

/** Where and for which audience the metrics batch API is called (sovereign clouds differ). */
export interface MetricsBatchEndpoint {
  /** e.g. `https://{region}.metrics.monitor.azure.com`; `{region}` is replaced by the resources' region. */
  readonly endpointTemplate: string;
  /** Token audience, e.g. `https://metrics.monitor.azure.com` (`/.default` is appended). */
  readonly audience: string;
}

export const PUBLIC_METRICS_BATCH: MetricsBatchEndpoint = {
  endpointTemplate: 'https://{region}.metrics.monitor.azure.com',
  audience: 'https://management.azure.com',
};

/**
 * Builds the ARM clients for a credential once and keeps them with it, so every customer's clients
 * (and their connection pools) live as long as that customer's credential. The clients of one
 * credential share one throttle policy: ARM's read budget is per principal and subscription.
 */
export class ArmClientFactory {
  private readonly byCredential = new WeakMap<TokenCredential, ArmClients>();
  private readonly apiVersions: ApiVersionResolver;

  constructor(
    private readonly armEndpoint: string,
    private readonly armScope: string,
    private readonly additionalPolicies: AdditionalPolicies = [],
    private readonly metricsBatchEndpoint: MetricsBatchEndpoint = PUBLIC_METRICS_BATCH,
  ) {
    this.apiVersions = new ApiVersionResolver(armEndpoint);
  }

  forCredential(credential: TokenCredential): ArmClients {
    let clients = this.byCredential.get(credential);
    if (!clients) {
      const policies = [throttlePolicyEntry(), ...this.additionalPolicies];
      const batchClients = new Map<string, MetricsClient>();
      const { endpointTemplate, audience } = this.metricsBatchEndpoint;
      clients = {
        // v8 client: the scope must be given, it does not derive it from the endpoint.
        monitor: new MonitorClient(credential, {
          endpoint: this.armEndpoint,
          credentials: { scopes: [this.armScope] },
          additionalPolicies: [...policies],
        }),
        // v7 (classic) client: generic resource reads need no subscription at construction.
        resources: new ResourceManagementClient(credential, {
          endpoint: this.armEndpoint,
          credentialScopes: [this.armScope],
          additionalPolicies: [...policies],
        }),
        apiVersions: this.apiVersions,
        metricsBatch(region: string): MetricsClient {
          const key = region.toLowerCase();
          let client = batchClients.get(key);
          if (!client) {
            // `audience` is used verbatim as the token scope by MetricsClient.
            client = new MetricsClient(endpointTemplate.replace('{region}', key), credential, {
              audience: `${audience.replace(/\/+$/, '')}/.default`,
              additionalPolicies: [...policies],
            });
            batchClients.set(key, client);
          }
          return client;
        },
      };
      this.byCredential.set(credential, clients);
    }
    return clients;
  }
}
