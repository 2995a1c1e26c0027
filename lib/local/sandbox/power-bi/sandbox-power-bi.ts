import type { CapacityProfile } from './capacity-load';
import type { SandboxModelVersion } from './capacity-metrics-model-versions';

export type WorkspaceRole = 'Admin' | 'Member' | 'Contributor' | 'Viewer';

export interface SandboxPowerBiTenantSeed {
  readonly tenantId: string;
  /** Admin portal > Tenant settings > Developer settings: "Service principals can use Fabric APIs". */
  readonly servicePrincipalsCanUseApis?: boolean;
  /** Admin portal > Tenant settings > Integration settings: "Dataset Execute Queries REST API". */
  readonly executeQueriesEnabled?: boolean;
}

export interface SandboxDatasetSeed {
  readonly id: string;
  readonly name: string;
  readonly modelVersion: SandboxModelVersion;
  /** Fabric capacity ids the app's model holds (those its installer administers). */
  readonly capacityIds: readonly string[];
  /** Principals (object ids) with Build on the dataset beyond the workspace roles that imply it. */
  readonly buildPrincipals?: readonly string[];
}

export interface SandboxWorkspaceSeed {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly members: ReadonlyArray<{ readonly principalId: string; readonly role: WorkspaceRole }>;
  readonly datasets: readonly SandboxDatasetSeed[];
}

export interface SandboxFabricCapacitySeed {
  readonly id: string;
  readonly tenantId: string;
  /** For capacities created in Azure: the ARM resource name. */
  readonly displayName: string;
  readonly sku: string;
  readonly region: string;
  readonly state: 'Active' | 'Inactive';
  readonly profile: CapacityProfile;
  /** Principals that are capacity admins or contributors: `GET /v1/capacities` lists it for them. */
  readonly visibleTo: readonly string[];
}

export interface SandboxPowerBiSeed {
  readonly tenants?: readonly SandboxPowerBiTenantSeed[];
  readonly workspaces?: readonly SandboxWorkspaceSeed[];
  readonly capacities?: readonly SandboxFabricCapacitySeed[];
}

/**
 * The Power BI / Fabric side of the sandbox cloud: tenant settings, workspaces with members and
 * datasets (the Capacity Metrics app's model in one of its versions), and Fabric capacities. Tests
 * change it between calls (turn a tenant setting off, remove a member, switch the model version).
 */
export class SandboxPowerBi {
  readonly tenants = new Map<string, { servicePrincipalsCanUseApis: boolean; executeQueriesEnabled: boolean }>();
  readonly workspaces: Array<
    Omit<SandboxWorkspaceSeed, 'members' | 'datasets'> & {
      members: Array<{ principalId: string; role: WorkspaceRole }>;
      datasets: Array<SandboxDatasetSeed & { modelVersion: SandboxModelVersion }>;
    }
  > = [];
  readonly capacities: SandboxFabricCapacitySeed[] = [];
  /** executeQueries per principal per window (Power BI: 120 per minute per user). */
  queryLimit = 120;
  queryWindowMs = 60_000;
  readonly #queries = new Map<string, number[]>();

  constructor(seed: SandboxPowerBiSeed = {}) {
    for (const t of seed.tenants ?? []) this.setTenant(t);
    for (const w of seed.workspaces ?? [])
      this.workspaces.push({ ...w, members: [...w.members], datasets: w.datasets.map((d) => ({ ...d })) });
    for (const c of seed.capacities ?? []) this.capacities.push(c);
  }

  setTenant(seed: SandboxPowerBiTenantSeed): void {
    this.tenants.set(seed.tenantId.toLowerCase(), {
      servicePrincipalsCanUseApis: seed.servicePrincipalsCanUseApis ?? true,
      executeQueriesEnabled: seed.executeQueriesEnabled ?? true,
    });
  }

  tenant(tenantId: string) {
    return (
      this.tenants.get(tenantId.toLowerCase()) ?? { servicePrincipalsCanUseApis: false, executeQueriesEnabled: false }
    );
  }

  findDataset(tenantId: string, datasetId: string) {
    for (const workspace of this.workspaces) {
      if (workspace.tenantId.toLowerCase() !== tenantId.toLowerCase()) continue;
      const dataset = workspace.datasets.find((d) => d.id.toLowerCase() === datasetId.toLowerCase());
      if (dataset) return { workspace, dataset };
    }
    return undefined;
  }

  /**
   * Counts one executeQueries call of a principal; when over the limit, the seconds until a slot frees
   * (the Retry-After to send). Measured on the real clock: Retry-After is real seconds.
   */
  takeQuerySlot(principal: string, nowMs = performance.now()): number | undefined {
    const sent = (this.#queries.get(principal) ?? []).filter((t) => t > nowMs - this.queryWindowMs);
    if (sent.length >= this.queryLimit) {
      this.#queries.set(principal, sent);
      return Math.max(1, Math.ceil(((sent[0] as number) + this.queryWindowMs - nowMs) / 1000));
    }
    sent.push(nowMs);
    this.#queries.set(principal, sent);
    return undefined;
  }
}
