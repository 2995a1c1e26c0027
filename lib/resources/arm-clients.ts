import { MonitorClient } from '@azure/arm-monitor';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/identity';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { ApiVersionResolver } from './api-version-resolver';

/** Extra SDK pipeline policies (e.g. the access audit), as clients take them. */
export type AdditionalPolicies = ReadonlyArray<{ policy: PipelinePolicy; position: 'perCall' | 'perRetry' }>;

export interface ArmClients {
  readonly monitor: MonitorClient;
  readonly resources: ResourceManagementClient;
  /** Shared by every customer: provider API versions are global. */
  readonly apiVersions: ApiVersionResolver;
}

/**
 * Builds the ARM clients for a credential once and keeps them with it, so every customer's clients
 * (and their connection pools) live as long as that customer's credential.
 */
export class ArmClientFactory {
  private readonly byCredential = new WeakMap<TokenCredential, ArmClients>();
  private readonly apiVersions: ApiVersionResolver;

  constructor(
    private readonly armEndpoint: string,
    private readonly armScope: string,
    private readonly additionalPolicies: AdditionalPolicies = [],
  ) {
    this.apiVersions = new ApiVersionResolver(armEndpoint);
  }

  forCredential(credential: TokenCredential): ArmClients {
    let clients = this.byCredential.get(credential);
    if (!clients) {
      clients = {
        // v8 client: the scope must be given, it does not derive it from the endpoint.
        monitor: new MonitorClient(credential, {
          endpoint: this.armEndpoint,
          credentials: { scopes: [this.armScope] },
          additionalPolicies: [...this.additionalPolicies],
        }),
        // v7 (classic) client: generic resource reads need no subscription at construction.
        resources: new ResourceManagementClient(credential, {
          endpoint: this.armEndpoint,
          credentialScopes: [this.armScope],
          additionalPolicies: [...this.additionalPolicies],
        }),
        apiVersions: this.apiVersions,
      };
      this.byCredential.set(credential, clients);
    }
    return clients;
  }
}
