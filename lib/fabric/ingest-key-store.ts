import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { odata, type TableClient } from '@azure/data-tables';
import { AppError } from '../errors/app-error';
import { findEntity } from '../store/table-entity';

interface IngestKeyEntity {
  partitionKey: string;
  rowKey: string;
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  keyHash: string;
  createdAt: string;
  revokedAt?: string;
}

/** What may be shown about a key: never the key or its hash. */
export interface IngestKeyInfo {
  readonly keyId: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** `ctcik_<keyId>_<secret>`: the id finds the hash; 32 random bytes make the secret. */
const KEY_FORMAT = /^ctcik_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/**
 * Per-customer ingest keys for the Fabric event push endpoint. A key is shown once, when created;
 * only its SHA-256 is stored (a 256-bit random secret needs no slow hash), compared in constant time.
 * Rotation = create a new key, then revoke the old one; revoked keys stay listed with their date.
 */
export class IngestKeyStore {
  constructor(
    private readonly table: TableClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates a key; the returned `key` is the only time it exists in clear. */
  async create(customerId: string): Promise<IngestKeyInfo & { readonly key: string }> {
    const keyId = randomBytes(8).toString('hex');
    const key = `ctcik_${keyId}_${randomBytes(32).toString('base64url')}`;
    const createdAt = this.now().toISOString();
    const entity: IngestKeyEntity = {
      partitionKey: partition(customerId),
      rowKey: keyId,
      keyHash: hash(key),
      createdAt,
    };
    await this.table.createEntity(entity);
    return { keyId, createdAt, key };
  }

  async list(customerId: string): Promise<IngestKeyInfo[]> {
    const keys: IngestKeyInfo[] = [];
    const filter = odata`PartitionKey eq ${partition(customerId)}`;
    for await (const e of this.table.listEntities<IngestKeyEntity>({ queryOptions: { filter } })) {
      keys.push({ keyId: e.rowKey, createdAt: e.createdAt, ...(e.revokedAt ? { revokedAt: e.revokedAt } : {}) });
    }
    return keys;
  }

  /** Revokes a key at once; a 404 when the customer has no such key. */
  async revoke(customerId: string, keyId: string): Promise<IngestKeyInfo> {
    const entity = await findEntity<IngestKeyEntity>(this.table, partition(customerId), keyId);
    if (!entity) {
      throw new AppError({
        kind: 'notFound',
        code: 'IngestKeyNotFound',
        message: `Customer ${customerId} has no ingest key ${keyId}`,
      });
    }
    const revokedAt = entity.revokedAt ?? this.now().toISOString();
    await this.table.updateEntity({ partitionKey: entity.partitionKey, rowKey: entity.rowKey, revokedAt }, 'Merge');
    return { keyId, createdAt: entity.createdAt, revokedAt };
  }

  /**
   * True when `presented` is a live key of this customer. Unknown, malformed, revoked and other
   * customers' keys are all just false: the caller answers 401 without saying which.
   */
  async verify(customerId: string, presented: string | undefined): Promise<boolean> {
    const match = presented ? KEY_FORMAT.exec(presented) : null;
    if (!match || !presented) return false;
    const entity = await findEntity<IngestKeyEntity>(this.table, partition(customerId), match[1] as string);
    if (!entity || entity.revokedAt) return false;
    const expected = Buffer.from(entity.keyHash, 'hex');
    const actual = Buffer.from(hash(presented), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

function partition(customerId: string): string {
  return `ingestkeys~${customerId}`;
}

function hash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
