import type { ContainerClient } from '@azure/storage-blob';
import type { TimeWindow } from '../collect/closed-window';
import { toUtcSecond } from '../metrics/datapoint';

/** Raw, per-window JSON snapshots of everything read from one customer. */
export class SnapshotStore {
  constructor(private readonly container: ContainerClient) {}

  /**
   * Writes (overwrites) the snapshot of one customer and window. The name derives from the
   * customer and window only, so a retried message replaces its own snapshot instead of adding one.
   * @returns the blob name and the JSON written (so a copy elsewhere needs no second serialization).
   */
  async write(customerId: string, window: TimeWindow, snapshot: unknown): Promise<{ name: string; body: string }> {
    const name = snapshotBlobName(customerId, window);
    const body = JSON.stringify(snapshot, null, 2);
    await this.container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
    return { name, body };
  }

  /** Reads a snapshot back, or undefined when none exists for that window. */
  async read(customerId: string, window: TimeWindow): Promise<unknown> {
    const blob = this.container.getBlockBlobClient(snapshotBlobName(customerId, window));
    if (!(await blob.exists())) return undefined;
    const buffer = await blob.downloadToBuffer();
    return JSON.parse(buffer.toString('utf8'));
  }

  /** Deletes every snapshot of a customer. @returns how many were deleted. */
  async deleteCustomer(customerId: string): Promise<number> {
    let deleted = 0;
    for await (const blob of this.container.listBlobsFlat({ prefix: `${customerId}/` })) {
      await this.container.deleteBlob(blob.name);
      deleted++;
    }
    return deleted;
  }
}

/** `{customer}/{yyyy}/{MM}/{dd}/{windowStart}_{windowEnd}.json`: sorted by time within a customer. */
export function snapshotBlobName(customerId: string, window: TimeWindow): string {
  const start = toUtcSecond(window.start);
  const [yyyy, mm, dd] = start.slice(0, 10).split('-');
  const compact = (iso: string): string => iso.replace(/[-:]/g, '');
  return `${customerId}/${yyyy}/${mm}/${dd}/${compact(start)}_${compact(toUtcSecond(window.end))}.json`;
}
