/** Which of the sandbox's listeners served a request. */
export type SandboxService = 'entra' | 'identity' | 'vault' | 'arm' | 'storage';

export interface SandboxRequestEntry {
  readonly service: SandboxService;
  readonly method: string;
  /** Path without the query string (queries can carry nothing secret, but stay short). */
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly at: Date;
}

/** Keeps enough history for a test to assert on, without growing without bound. */
const MAX_ENTRIES = 1000;

/** Recent requests seen by the sandbox, oldest first, so tests can assert what a client did. */
export class SandboxRequestLog {
  readonly #entries: SandboxRequestEntry[] = [];

  /** Records one finished request. */
  record(entry: SandboxRequestEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > MAX_ENTRIES) this.#entries.shift();
  }

  /** All entries, optionally only those of one service. */
  list(service?: SandboxService): readonly SandboxRequestEntry[] {
    return service ? this.#entries.filter((e) => e.service === service) : [...this.#entries];
  }

  /** Forgets everything, e.g. between test cases. */
  clear(): void {
    this.#entries.length = 0;
  }
}
