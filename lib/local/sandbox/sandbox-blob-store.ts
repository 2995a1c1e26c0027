import { createHash, randomUUID } from 'node:crypto';

/** One block blob as the sandbox's storage front keeps it. */
export interface SandboxBlob {
  readonly name: string;
  readonly content: Buffer;
  readonly contentType: string;
  readonly etag: string;
  readonly createdOn: Date;
  readonly lastModified: Date;
  /** MD5 of the content, base64 (what Storage returns as Content-MD5). */
  readonly contentMd5: string;
}

/** A blob container and its blobs, by name. */
export interface SandboxContainer {
  readonly account: string;
  readonly name: string;
  readonly etag: string;
  readonly lastModified: Date;
  readonly blobs: Map<string, SandboxBlob>;
}

/**
 * The blob data of the sandbox's storage accounts, in memory: containers and block blobs, enough for
 * the snapshot delivery (put, get, delete, list). Account names are case-insensitive like DNS names;
 * container and blob names are case-sensitive like Azure's.
 */
export class SandboxBlobStore {
  readonly #containers = new Map<string, SandboxContainer>();

  /** Creates a container; false when it exists already. */
  createContainer(account: string, name: string, now: Date): boolean {
    const k = containerKey(account, name);
    if (this.#containers.has(k)) return false;
    this.#containers.set(k, { account, name, etag: newEtag(), lastModified: now, blobs: new Map() });
    return true;
  }

  /** Deletes a container and its blobs; false when there was none. */
  deleteContainer(account: string, name: string): boolean {
    return this.#containers.delete(containerKey(account, name));
  }

  findContainer(account: string, name: string): SandboxContainer | undefined {
    return this.#containers.get(containerKey(account, name));
  }

  /** Creates or replaces a block blob; the container must exist. */
  putBlob(container: SandboxContainer, name: string, content: Buffer, contentType: string, now: Date): SandboxBlob {
    const previous = container.blobs.get(name);
    const blob: SandboxBlob = {
      name,
      content,
      contentType,
      etag: newEtag(),
      createdOn: previous?.createdOn ?? now,
      lastModified: now,
      contentMd5: createHash('md5').update(content).digest('base64'),
    };
    container.blobs.set(name, blob);
    return blob;
  }

  /** Blobs of a container whose names start with `prefix`, sorted by name (as List Blobs returns them). */
  listBlobs(container: SandboxContainer, prefix = ''): readonly SandboxBlob[] {
    return [...container.blobs.values()]
      .filter((b) => b.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

function containerKey(account: string, name: string): string {
  return `${account.toLowerCase()}/${name}`;
}

/** Storage ETags look like `"0x8DC..."`; a random hex value keeps them unique per write. */
function newEtag(): string {
  return `"0x${randomUUID().replace(/-/g, '').slice(0, 15).toUpperCase()}"`;
}
