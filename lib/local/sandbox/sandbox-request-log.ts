/** Which of the sandbox's listeners served a request. */
export type SandboxService =
  'entra' | 'identity' | 'vault' | 'arm' | 'metrics' | 'storage' | 'powerbi' | 'fabric' | 'logsIngestion';

export interface SandboxRequestEntry {
  readonly service: SandboxService;
  readonly method: string;
  /** Path without the query string (queries can carry nothing secret, but stay short). */
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly at: Date;
  /**
   * The tenant (`tid`) of the bearer token the request carried, if any: which customer's tenant a call went
   * into even where the path does not say (Resource Graph names its subscriptions in the body).
   */
  readonly tenantId?: string;
}

/** Keeps enough history for a test to assert on, without growing without bound. */
const MAX_ENTRIES = 1000;

/** Recent requests seen by the sandbox, oldest first, so tests can assert what a client did. */
export class SandboxRequestLog {
  readonly #entries: SandboxRequestEntry[] = [];
  readonly #counts = new Map<string, number>();

  /** Records one finished request. */
  record(entry: SandboxRequestEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > MAX_ENTRIES) this.#entries.shift();
    const kind = requestKindOf(entry);
    this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + 1);
    if (entry.status === 429 || entry.status === 529) {
      this.#counts.set(`${kind} throttled`, (this.#counts.get(`${kind} throttled`) ?? 0) + 1);
    }
  }

  /**
   * Requests per kind since the start (or the last `clear`), never trimmed: what a benchmark counts.
   * Throttled answers (429/529) are also counted under `<kind> throttled`.
   */
  counts(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#counts);
  }

  /** All entries, optionally only those of one service. */
  list(service?: SandboxService): readonly SandboxRequestEntry[] {
    return service ? this.#entries.filter((e) => e.service === service) : [...this.#entries];
  }

  /** Forgets everything, e.g. between test cases. */
  clear(): void {
    this.#entries.length = 0;
    this.#counts.clear();
  }
}

/** A short name for what a request did, e.g. `arm metrics`, `metrics getBatch`, `entra token`. */
export function requestKindOf(entry: Pick<SandboxRequestEntry, 'service' | 'method' | 'path'>): string {
  const { service, path } = entry;
  if (service === 'arm') {
    if (/\/providers\/microsoft\.insights\/metrics$/i.test(path)) return 'arm metrics';
    if (/\/providers\/microsoft\.insights\/metricdefinitions$/i.test(path)) return 'arm metricDefinitions';
    if (/^\/providers\/microsoft\.resourcegraph\/resources$/i.test(path)) return 'arm resourceGraph';
    if (/^\/providers\/[^/]+$/i.test(path)) return 'arm provider';
    if (/\/providers\/microsoft\.authorization\/roleassignments$/i.test(path)) return 'arm roleAssignments';
    return 'arm resource';
  }
  if (service === 'metrics') return 'metrics getBatch';
  if (service === 'entra') return /\/token$/i.test(path) ? 'entra token' : 'entra metadata';
  return `${service} ${entry.method}`;
}
