import type { TableClient } from '@azure/data-tables';
import { deleteEntityIfExists, findEntity } from '../store/table-entity';
import type { CapacityMetricsModel } from './capacity-metrics-model';

interface ModelEntity extends CapacityMetricsModel {
  partitionKey: string;
  rowKey: string;
  foundAt: string;
}

const ROW = 'capacity-metrics-model';

/**
 * Where each customer's Capacity Metrics model was found and which shape it has, so a run does not
 * list workspaces and probe the model every hour (like the discovery cache). Dropped when the model
 * stops answering its shape's query (the app was updated) so the next run probes again.
 */
export class FabricModelStore {
  constructor(private readonly table: TableClient) {}

  async get(customerId: string, maxAgeMs: number, now: Date): Promise<CapacityMetricsModel | undefined> {
    const entity = await findEntity<ModelEntity>(this.table, customerId, ROW);
    if (!entity || now.getTime() - Date.parse(entity.foundAt) > maxAgeMs) return undefined;
    return {
      workspaceId: entity.workspaceId,
      datasetId: entity.datasetId,
      datasetName: entity.datasetName,
      shape: entity.shape,
    };
  }

  async put(customerId: string, model: CapacityMetricsModel, now: Date): Promise<void> {
    const entity: ModelEntity = { partitionKey: customerId, rowKey: ROW, ...model, foundAt: now.toISOString() };
    await this.table.upsertEntity(entity, 'Replace');
  }

  async clear(customerId: string): Promise<void> {
    await deleteEntityIfExists(this.table, customerId, ROW);
  }
}
