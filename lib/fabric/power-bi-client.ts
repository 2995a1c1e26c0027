import { ServiceClient } from '@azure/core-client';
import {
  createPipelineRequest,
  RestError,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import type { AdditionalPolicies } from '../resources/arm-clients';
import { parseJsonBody } from '../resources/parse-json-body';

/**
 * Power BI REST limits for `Datasets - Execute Queries`
 * (https://learn.microsoft.com/rest/api/power-bi/datasets/execute-queries, "Limitations"):
 * 120 query requests per minute per user (a service principal counts as one), one query per call,
 * at most 100,000 rows or 1,000,000 values, 15 MB per query.
 */
export const MAX_EXECUTE_QUERIES_PER_MINUTE = 120;
export const MAX_QUERY_ROWS = 100_000;
export const MAX_QUERY_VALUES = 1_000_000;

export interface PowerBiEndpoints {
  /** `https://api.powerbi.com` (sovereign clouds differ). */
  readonly powerBiUrl: string;
  /** Token audience of Power BI: `https://analysis.windows.net/powerbi/api`. */
  readonly powerBiAudience: string;
  /** `https://api.fabric.microsoft.com`. */
  readonly fabricUrl: string;
  /** Token audience of the Fabric REST API: `https://api.fabric.microsoft.com`. */
  readonly fabricAudience: string;
}

export interface PowerBiWorkspace {
  readonly id: string;
  readonly name: string;
}
export interface PowerBiDataset {
  readonly id: string;
  readonly name: string;
}
export interface FabricCapacity {
  readonly id: string;
  readonly displayName: string;
  readonly sku: string;
  readonly state: string;
}

/** One row of an executeQueries table: keys are `Table[Column]` or `[Alias]`, as Power BI names them. */
export type QueryRow = Readonly<Record<string, unknown>>;

/**
 * The calls the Fabric pull path makes, with the customer's credential: Power BI REST (workspaces,
 * datasets, executeQueries) and Fabric REST (capacities). Built on @azure/core-client's ServiceClient,
 * so every call carries a token for the right audience from the customer's tenant, is retried on 429
 * after the server's Retry-After (and on 5xx), and is recorded by the access audit like ARM calls.
 * HTTP errors become RestErrors whose `code` is Power BI's `error.code` (or Fabric's `errorCode`).
 */
export class PowerBiClient {
  readonly #powerBi: ServiceClient;
  readonly #fabric: ServiceClient;
  readonly #pacer: QueryPacer;

  constructor(
    credential: TokenCredential,
    private readonly endpoints: PowerBiEndpoints,
    additionalPolicies: AdditionalPolicies = [],
    pacer = new QueryPacer(),
  ) {
    const client = (audience: string) =>
      new ServiceClient({
        credential,
        credentialScopes: [`${audience.replace(/\/+$/, '')}/.default`],
        additionalPolicies: [...additionalPolicies],
      });
    this.#powerBi = client(endpoints.powerBiAudience);
    this.#fabric = client(endpoints.fabricAudience);
    this.#pacer = pacer;
  }

  /** `GET /v1.0/myorg/groups`: the workspaces the principal is a member of. */
  async listWorkspaces(signal?: AbortSignal): Promise<PowerBiWorkspace[]> {
    const body = await this.#get(this.#powerBi, `${this.#base()}/groups`, signal);
    return readValue(body).flatMap((g) => (typeof g.id === 'string' ? [{ id: g.id, name: String(g.name ?? '') }] : []));
  }

  /** `GET /v1.0/myorg/groups/{groupId}/datasets`. */
  async listDatasets(workspaceId: string, signal?: AbortSignal): Promise<PowerBiDataset[]> {
    const url = `${this.#base()}/groups/${encodeURIComponent(workspaceId)}/datasets`;
    const body = await this.#get(this.#powerBi, url, signal);
    return readValue(body).flatMap((d) => (typeof d.id === 'string' ? [{ id: d.id, name: String(d.name ?? '') }] : []));
  }

  /** `GET {fabric}/v1/capacities`, following `continuationUri` to the last page. */
  async listCapacities(signal?: AbortSignal): Promise<FabricCapacity[]> {
    const capacities: FabricCapacity[] = [];
    let url: string | undefined = `${this.endpoints.fabricUrl.replace(/\/+$/, '')}/v1/capacities`;
    for (let page = 0; url && page < 100; page++) {
      const body = (await this.#get(this.#fabric, url, signal)) as { continuationUri?: unknown } | undefined;
      for (const c of readValue(body)) {
        if (typeof c.id !== 'string') continue;
        capacities.push({
          id: c.id,
          displayName: String(c.displayName ?? ''),
          sku: String(c.sku ?? ''),
          state: String(c.state ?? ''),
        });
      }
      url = typeof body?.continuationUri === 'string' ? body.continuationUri : undefined;
    }
    return capacities;
  }

  /**
   * `POST /v1.0/myorg/datasets/{datasetId}/executeQueries` with one DAX query; returns the rows of its
   * one table. Paced to MAX_EXECUTE_QUERIES_PER_MINUTE per principal. A 200 that carries an error (too
   * many rows, more than one table) is an error here: a truncated answer must not pass as complete.
   */
  async executeQuery(datasetId: string, query: string, signal?: AbortSignal): Promise<QueryRow[]> {
    await this.#pacer.acquire(signal);
    const url = `${this.#base()}/datasets/${encodeURIComponent(datasetId)}/executeQueries`;
    const request = createPipelineRequest({
      url,
      method: 'POST',
      body: JSON.stringify({ queries: [{ query }], serializerSettings: { includeNulls: true } }),
      ...(signal ? { abortSignal: signal } : {}),
    });
    request.headers.set('content-type', 'application/json');
    const response = await this.#powerBi.sendRequest(request);
    const parsed = parseJsonBody(response);
    if (response.status !== 200) throw toRestError(response.status, parsed, request, response);
    const result = (parsed as { results?: Array<{ tables?: Array<{ rows?: QueryRow[] }>; error?: unknown }> })
      ?.results?.[0];
    const tableError = (result?.tables?.[0] as { error?: unknown } | undefined)?.error ?? result?.error;
    if (tableError) {
      throw new RestError(`executeQueries returned a partial result: ${describe(tableError)}`, {
        statusCode: 200,
        code: 'DatasetExecuteQueriesPartialResult',
        request,
        response,
      });
    }
    return result?.tables?.[0]?.rows ?? [];
  }

  #base(): string {
    return `${this.endpoints.powerBiUrl.replace(/\/+$/, '')}/v1.0/myorg`;
  }

  async #get(client: ServiceClient, url: string, signal?: AbortSignal): Promise<unknown> {
    const request = createPipelineRequest({ url, method: 'GET', ...(signal ? { abortSignal: signal } : {}) });
    const response = await client.sendRequest(request);
    const parsed = parseJsonBody(response);
    if (response.status !== 200) throw toRestError(response.status, parsed, request, response);
    return parsed;
  }
}

/**
 * Keeps one principal under Power BI's 120 executeQueries per minute, so a large customer waits
 * briefly instead of collecting 429s. The server's 429 + Retry-After stays the authority (retried by
 * the pipeline); this only avoids provoking it.
 */
export class QueryPacer {
  readonly #sent: number[] = [];
  constructor(
    private readonly limit = MAX_EXECUTE_QUERIES_PER_MINUTE,
    private readonly windowMs = 60_000,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock();
      while (this.#sent.length > 0 && (this.#sent[0] as number) <= now - this.windowMs) this.#sent.shift();
      if (this.#sent.length < this.limit) {
        this.#sent.push(now);
        return;
      }
      const wait = (this.#sent[0] as number) + this.windowMs - now;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, Math.max(1, wait));
        signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
      });
    }
  }
}

function readValue(body: unknown): Array<Record<string, unknown>> {
  const value = (body as { value?: unknown } | undefined)?.value;
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    : [];
}

/**
 * Power BI errors: `{"error":{"code":"PowerBINotAuthorizedException","pbi.error":{"code":...,"details":[...]}}}`
 * (MicrosoftDocs/powerbi-docs#1109, #3234) and for DAX failures `DatasetExecuteQueriesError` with a
 * `DetailsMessage` detail (gbrueckl/PowerBI-VSCode#45). Fabric REST errors: `{"errorCode","message"}`
 * (https://learn.microsoft.com/rest/api/fabric/articles/throttling, ErrorResponse).
 */
function toRestError(status: number, body: unknown, request: PipelineRequest, response: PipelineResponse): RestError {
  const record = (body ?? {}) as {
    error?: { code?: unknown; message?: unknown; 'pbi.error'?: { details?: unknown } };
    errorCode?: unknown;
    message?: unknown;
  };
  const code =
    typeof record.error?.code === 'string'
      ? record.error.code
      : typeof record.errorCode === 'string'
        ? record.errorCode
        : undefined;
  const details = record.error?.['pbi.error']?.details;
  const detail = Array.isArray(details)
    ? details
        .map((d: { code?: unknown; detail?: { value?: unknown } }) =>
          d.code === 'DetailsMessage' && typeof d.detail?.value === 'string' ? d.detail.value : undefined,
        )
        .find((v) => v !== undefined)
    : undefined;
  const message =
    detail ??
    (typeof record.error?.message === 'string'
      ? record.error.message
      : typeof record.message === 'string'
        ? record.message
        : `HTTP ${status}${code ? ` ${code}` : ''}`);
  return new RestError(`${code ? `${code}: ` : ''}${message}`, {
    statusCode: status,
    request,
    response,
    ...(code ? { code } : {}),
  });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  const message = (value as { message?: unknown; code?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : JSON.stringify(value);
}
