import { isRestError } from '@azure/core-rest-pipeline';
import { AppError } from '../errors/app-error';
import { CAPACITY_METRICS_SHAPES, type CapacityMetricsShape } from './capacity-metrics-shapes';
import type { PowerBiClient } from './power-bi-client';

/** The name the Capacity Metrics app gives its semantic model (FUAM How_to_deploy_FUAM.md, step 5). */
export const DEFAULT_CAPACITY_METRICS_DATASET = 'Fabric Capacity Metrics';

/** Where the app's model lives in the customer's tenant, and which known shape it has. */
export interface CapacityMetricsModel {
  readonly workspaceId: string;
  readonly datasetId: string;
  readonly datasetName: string;
  readonly shape: CapacityMetricsShape['id'];
}

export interface ModelLocation {
  readonly workspaceId?: string | undefined;
  readonly datasetId?: string | undefined;
  readonly datasetName: string;
}

/**
 * Finds the app's dataset: the configured workspace/dataset, else every workspace the principal is a
 * member of (`GET /groups`) searched for a dataset named `datasetName`. A configured workspace the
 * principal does not see means it is not a member; no dataset found means the app is not installed
 * where the principal can see it. Both are their own codes, so the fix can say which.
 */
export async function findCapacityMetricsDataset(
  client: PowerBiClient,
  location: ModelLocation,
  signal?: AbortSignal,
): Promise<Omit<CapacityMetricsModel, 'shape'>> {
  const workspaces = await client.listWorkspaces(signal);
  const candidates = location.workspaceId
    ? workspaces.filter((w) => w.id.toLowerCase() === location.workspaceId?.toLowerCase())
    : workspaces;
  if (location.workspaceId && candidates.length === 0) {
    throw new AppError({
      kind: 'customerAccess',
      code: 'PowerBiWorkspaceAccessMissing',
      message: `The principal is not a member of workspace ${location.workspaceId} (it sees ${workspaces.length} workspace(s))`,
      details: { workspaceId: location.workspaceId },
    });
  }
  for (const workspace of candidates) {
    const datasets = await client.listDatasets(workspace.id, signal);
    const match = datasets.find((d) =>
      location.datasetId
        ? d.id.toLowerCase() === location.datasetId.toLowerCase()
        : d.name.toLowerCase() === location.datasetName.toLowerCase(),
    );
    if (match) return { workspaceId: workspace.id, datasetId: match.id, datasetName: match.name };
  }
  throw new AppError({
    kind: 'customerAccess',
    code: 'CapacityMetricsAppNotInstalled',
    message:
      `No dataset ${location.datasetId ?? `named "${location.datasetName}"`} in the ` +
      `${candidates.length} workspace(s) the principal can see${location.workspaceId ? ` (workspace ${location.workspaceId})` : ''}`,
    details: { workspacesSearched: candidates.length },
  });
}

/**
 * Detects the model's shape with one probe query per known shape, newest first (as FUAM does). A
 * probe that fails with a DAX error means "not this shape"; any other failure (401, throttling,
 * network) is not about the shape and is thrown as it is. No shape matching is
 * CapacityMetricsModelUnknown, naming the dataset and what each probe answered.
 */
export async function detectModelShape(
  client: PowerBiClient,
  dataset: Omit<CapacityMetricsModel, 'shape'>,
  signal?: AbortSignal,
): Promise<CapacityMetricsShape> {
  const answers: string[] = [];
  for (const shape of CAPACITY_METRICS_SHAPES) {
    try {
      await client.executeQuery(dataset.datasetId, shape.probe, signal);
      return shape;
    } catch (error) {
      if (!isDaxFailure(error)) throw error;
      answers.push(`${shape.id} (app ${shape.appVersions.join('/')}): ${error.message.slice(0, 200)}`);
    }
  }
  throw new AppError({
    kind: 'customerAccess',
    code: 'CapacityMetricsModelUnknown',
    message:
      `Dataset "${dataset.datasetName}" (${dataset.datasetId}) in workspace ${dataset.workspaceId} matches none of the ` +
      `known Capacity Metrics app shapes. Probes answered: ${answers.join(' | ')}`,
    details: { datasetId: dataset.datasetId, workspaceId: dataset.workspaceId, probes: answers },
  });
}

/** A 400 DatasetExecuteQueriesError: the query does not fit the model (unknown table, column or measure). */
export function isDaxFailure(error: unknown): error is Error {
  return isRestError(error) && error.statusCode === 400 && error.code === 'DatasetExecuteQueriesError';
}
