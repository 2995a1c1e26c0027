import { RestError, type BlockBlobClient, type ContainerClient } from '@azure/storage-blob';
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

  /**
   * Merges an attempt into the window's snapshot: `merge` gets the kept snapshot (or undefined) and says
   * what to keep. The write is conditional on the blob not having changed since it was read (two
   * deliveries of one message may run at once); a lost race reads and merges again.
   * `options.likelyNew` (the window's first scheduled attempt, which normally finds no snapshot): skip the read
   * and create the blob only if none exists (`If-None-Match: *`); one that exists after all (a manual run of the
   * window came first) fails that create, and is read and merged as usual. One request instead of two.
   * @returns the blob name, the JSON now kept, and whether this attempt changed it.
   */
  async writeMerged(
    customerId: string,
    window: TimeWindow,
    merge: (existing: unknown) => { snapshot: unknown; changed: boolean },
    options: { readonly likelyNew?: boolean } = {},
  ): Promise<{ name: string; body: string; changed: boolean }> {
    const name = snapshotBlobName(customerId, window);
    const blob = this.container.getBlockBlobClient(name);
    for (let attempt = 1; ; attempt++) {
      const current = attempt === 1 && options.likelyNew ? undefined : await readWithEtag(blob);
      const { snapshot, changed } = merge(current?.value);
      if (!changed && current) return { name, body: current.body, changed: false };
      const body = JSON.stringify(snapshot, null, 2);
      try {
        await blob.upload(body, Buffer.byteLength(body), {
          blobHTTPHeaders: { blobContentType: 'application/json' },
          conditions: current ? { ifMatch: current.etag } : { ifNoneMatch: '*' },
        });
        return { name, body, changed: true };
      } catch (error) {
        const raced = error instanceof RestError && (error.statusCode === 412 || error.statusCode === 409);
        if (!raced || attempt >= MAX_MERGE_ATTEMPTS) throw error;
      }
    }
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

/** Concurrent attempts of one window are rare (a duplicate delivery): a few rounds settle them. */
const MAX_MERGE_ATTEMPTS = 5;

async function readWithEtag(
  blob: BlockBlobClient,
): Promise<{ value: unknown; body: string; etag: string } | undefined> {
  try {
    const response = await blob.download();
    const chunks: Buffer[] = [];
    for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Buffer));
    const body = Buffer.concat(chunks).toString('utf8');
    return { value: JSON.parse(body) as unknown, body, etag: response.etag ?? '' };
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return undefined;
    throw error;
  }
}

/** `{customer}/{yyyy}/{MM}/{dd}/{windowStart}_{windowEnd}.json`: sorted by time within a customer. */
export function snapshotBlobName(customerId: string, window: TimeWindow): string {
  const start = toUtcSecond(window.start);
  const [yyyy, mm, dd] = start.slice(0, 10).split('-');
  const compact = (iso: string): string => iso.replace(/[-:]/g, '');
  return `${customerId}/${yyyy}/${mm}/${dd}/${compact(start)}_${compact(toUtcSecond(window.end))}.json`;
}
