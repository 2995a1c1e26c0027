import type { ServiceClient } from '@azure/core-client';
import { createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { parseJsonBody } from '../resources/parse-json-body';

export const RESOURCE_GRAPH_API_VERSION = '2024-04-01';
/** Resource Graph returns at most 1,000 rows per page; more come through `$skipToken`. */
export const MAX_RESOURCE_GRAPH_PAGE = 1000;
/** Resource Graph accepts at most 1,000 subscriptions in one query. */
export const MAX_RESOURCE_GRAPH_SUBSCRIPTIONS = 1000;
/** A runaway `$skipToken` loop (a server bug) must end: 100 pages is 100,000 resources. */
const MAX_PAGES = 100;

/** One row of the discovery query (`project id, name, type, location`). */
export interface DiscoveredResource {
  readonly id: string;
  readonly name: string;
  /** Lower case, as Resource Graph reports it. */
  readonly type: string;
  readonly location: string;
}

export interface ResourceGraphRequest {
  readonly subscriptions: readonly string[];
  readonly query: string;
  /** Rows per page (`options.$top`); default and maximum MAX_RESOURCE_GRAPH_PAGE. */
  readonly pageSize?: number;
}

interface ResourceGraphPage {
  readonly data?: unknown;
  readonly $skipToken?: string;
}

/**
 * Runs a Resource Graph query (`POST {arm}/providers/Microsoft.ResourceGraph/resources`) through an
 * ARM client's own pipeline and follows `$skipToken` until the last page.
 *
 * @azure/arm-resourcegraph is not a dependency, so the request goes through the pipeline of the
 * ResourceManagementClient the worker already holds for the customer: it carries the customer's
 * credential with the right ARM scope, the retry policy and the access-audit policy, so a Resource
 * Graph call is authenticated, retried and audited exactly like every other ARM read. `sendRequest`
 * does not throw on HTTP errors, so ARM's `{error: {code, message}}` is turned into a RestError here,
 * the shape diagnosis already understands.
 */
export async function queryResourceGraph(
  client: Pick<ServiceClient, 'sendRequest'>,
  armEndpoint: string,
  request: ResourceGraphRequest,
  abortSignal?: AbortSignal,
): Promise<DiscoveredResource[]> {
  const rows = await queryResourceGraphRows(client, armEndpoint, request, abortSignal);
  return rows.map(toDiscoveredResource).filter((r): r is DiscoveredResource => r !== undefined);
}

/**
 * The rows of a Resource Graph query, every page (`$skipToken`), as Resource Graph sends them. Each page
 * is one query against the principal's quota: the clients' throttle policy (lib/resources/throttle-policy.ts)
 * paces them by `x-ms-user-quota-remaining` / `-resets-after` and retries the quota's 429.
 */
export async function queryResourceGraphRows(
  client: Pick<ServiceClient, 'sendRequest'>,
  armEndpoint: string,
  request: ResourceGraphRequest,
  abortSignal?: AbortSignal,
): Promise<unknown[]> {
  if (request.subscriptions.length > MAX_RESOURCE_GRAPH_SUBSCRIPTIONS) {
    throw new RangeError(`Resource Graph accepts at most ${MAX_RESOURCE_GRAPH_SUBSCRIPTIONS} subscriptions`);
  }
  const url = `${armEndpoint.replace(/\/+$/, '')}/providers/Microsoft.ResourceGraph/resources?api-version=${RESOURCE_GRAPH_API_VERSION}`;
  const top = Math.min(request.pageSize ?? MAX_RESOURCE_GRAPH_PAGE, MAX_RESOURCE_GRAPH_PAGE);
  const rows: unknown[] = [];
  let skipToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = {
      subscriptions: request.subscriptions,
      query: request.query,
      options: { $top: top, resultFormat: 'objectArray', ...(skipToken ? { $skipToken: skipToken } : {}) },
    };
    const pipelineRequest = createPipelineRequest({
      url,
      method: 'POST',
      body: JSON.stringify(body),
      ...(abortSignal ? { abortSignal } : {}),
    });
    pipelineRequest.headers.set('content-type', 'application/json');
    const response = await client.sendRequest(pipelineRequest);
    const parsed = parseJsonBody(response);
    if (response.status !== 200) {
      const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      throw new RestError(
        typeof error?.message === 'string' ? error.message : `Resource Graph answered HTTP ${response.status}`,
        {
          statusCode: response.status,
          request: pipelineRequest,
          response,
          ...(typeof error?.code === 'string' ? { code: error.code } : {}),
        },
      );
    }
    const result = parsed as ResourceGraphPage | undefined;
    if (!Array.isArray(result?.data)) {
      throw new RestError('Resource Graph answered without a data array (expected resultFormat objectArray)', {
        statusCode: response.status,
        request: pipelineRequest,
        response,
        code: 'InvalidResourceGraphResponse',
      });
    }
    rows.push(...(result.data as unknown[]));
    skipToken = result.$skipToken;
    if (!skipToken) return rows;
  }
  throw new RestError(`Resource Graph paging did not end after ${MAX_PAGES} pages`, {
    code: 'ResourceGraphPagingRunaway',
  });
}

function toDiscoveredResource(row: unknown): DiscoveredResource | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const { id, name, type, location } = row as Record<string, unknown>;
  if (typeof id !== 'string' || typeof type !== 'string') return undefined;
  return {
    id,
    name: typeof name === 'string' ? name : (id.split('/').pop() ?? ''),
    type: type.toLowerCase(),
    location: typeof location === 'string' ? location : '',
  };
}
