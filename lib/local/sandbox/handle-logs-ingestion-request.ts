import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { authenticateBearer } from './authenticate-bearer';
import type { SandboxRequestHandler } from './sandbox-context';
import { MAX_INGESTION_CALL_BYTES, type SandboxStreamColumn } from './sandbox-logs-ingestion';
import { LOGS_INGESTION_ROLES } from './role-definitions';
import { sendJson } from './send-json';

/** Token audience of the Logs Ingestion API in the public cloud (the SDK asks for `${audience}/.default`). */
export const MONITOR_AUDIENCE = 'https://monitor.azure.com';
/** API versions of `POST .../streams/{stream}`: the GA one the SDK sends, and the preview older scripts use. */
const API_VERSIONS = ['2023-01-01', '2021-11-01-preview'];

const PATH = /^\/dataCollectionRules\/([^/]+)\/streams\/([^/]+)$/;

/**
 * The Logs Ingestion API on a data collection endpoint (learn.microsoft.com/azure/azure-monitor/logs/
 * logs-ingestion-api-overview, "REST API call"): `POST {endpoint}/dataCollectionRules/{immutableId}/
 * streams/{stream}?api-version=2023-01-01`, a bearer token for `https://monitor.azure.com`, a JSON array
 * body (optionally `Content-Encoding: gzip`), 204 on success. Errors as Azure gives them:
 * - 401 without a valid token; 403 `OperationFailed` "does not have access to ingest data…" when the
 *   caller lacks Monitoring Metrics Publisher on the rule (azure-sdk-for-js monitor-ingestion
 *   TROUBLESHOOTING.md, "Troubleshooting authorization errors");
 * - 413 over 1 MB per call, compressed or not; 429 + `Retry-After` past 12,000 requests/min per rule
 *   (service-limits#logs-ingestion-api);
 * - 400 `InvalidStream` for a stream the rule does not declare, 400 `InvalidPayload` for a body that is
 *   not a JSON array of objects.
 * Deliberately stricter than Azure: a property the stream does not declare, or a value of the wrong
 * type, is a 400 here. Azure accepts the call and silently drops what it cannot map (the SDK guide's
 * "Troubleshooting missing logs"), which in a test would hide schema drift instead of failing.
 */
export const handleLogsIngestionRequest: SandboxRequestHandler = async (context, req, res, path, query) => {
  const { state } = context;
  const ingestion = state.logsIngestion;
  const match = PATH.exec(path);
  if (!match || req.method !== 'POST')
    return sendError(res, 404, 'NotFound', `No such endpoint: ${req.method} ${path}`);
  const [, ruleId = '', stream = ''] = match;
  const apiVersion = query.get('api-version');
  if (!apiVersion || !API_VERSIONS.includes(apiVersion))
    return sendError(res, 400, 'InvalidApiVersion', `Unsupported api-version '${apiVersion ?? ''}'.`);

  const auth = authenticateBearer(context, req, [MONITOR_AUDIENCE]);
  if (!auth.ok)
    return sendError(res, 401, 'InvalidAuthenticationToken', `The access token is invalid (${auth.reason}).`);
  const rule = ingestion.findRule(ruleId);
  if (!rule) return sendError(res, 404, 'NotFound', `Data collection rule with immutable Id '${ruleId}' not found.`);
  if (!state.hasRole(auth.principal, rule.resourceId, LOGS_INGESTION_ROLES)) {
    return sendError(
      res,
      403,
      'OperationFailed',
      `The authentication token provided does not have access to ingest data for the data collection rule with immutable Id '${rule.immutableId}'. ` +
        `Required authorization action was not found for tenantId ${auth.claims.tid} objectId ${auth.claims.oid} on resourceId ${rule.resourceId}.`,
    );
  }
  const retryAfter = ingestion.admit(rule.immutableId, state.now());
  if (retryAfter !== undefined) {
    return sendError(res, 429, 'TooManyRequests', 'Request rate per data collection rule exceeded.', {
      'retry-after': String(retryAfter),
    });
  }

  const wire = await readLimited(req, MAX_INGESTION_CALL_BYTES);
  if (!wire) return sendError(res, 413, 'ContentLengthLimitExceeded', 'Maximum request size of 1 MB exceeded.');
  const gzip = /gzip/i.test(String(req.headers['content-encoding'] ?? ''));
  let json: Buffer;
  try {
    json = gzip ? gunzipSync(wire, { maxOutputLength: MAX_INGESTION_CALL_BYTES + 1 }) : wire;
  } catch (error) {
    const tooLarge = error instanceof RangeError || /buffer/i.test(String(error));
    return tooLarge
      ? sendError(res, 413, 'ContentLengthLimitExceeded', 'Maximum request size of 1 MB exceeded (uncompressed).')
      : sendError(res, 400, 'InvalidPayload', 'The body is not valid gzip.');
  }
  if (json.length > MAX_INGESTION_CALL_BYTES)
    return sendError(res, 413, 'ContentLengthLimitExceeded', 'Maximum request size of 1 MB exceeded (uncompressed).');

  const columns = rule.streams[stream];
  if (!columns)
    return sendError(
      res,
      400,
      'InvalidStream',
      `Stream '${stream}' is not declared in data collection rule '${rule.immutableId}'.`,
    );
  let body: unknown;
  try {
    body = JSON.parse(json.toString('utf8'));
  } catch {
    return sendError(res, 400, 'InvalidPayload', 'The body is not valid JSON.');
  }
  if (!Array.isArray(body)) return sendError(res, 400, 'InvalidPayload', 'The body must be a JSON array of records.');
  const problem = body.map((row, i) => checkRow(row, i, columns)).find((p) => p !== undefined);
  if (problem) return sendError(res, 400, 'InvalidPayload', problem);

  ingestion.record({
    ruleId: rule.immutableId,
    stream,
    rows: body as Record<string, unknown>[],
    wireBytes: wire.length,
    jsonBytes: json.length,
    gzip,
    at: state.now(),
  });
  res.writeHead(204);
  res.end();
};

/** Why a record does not fit the stream declaration, or undefined when it does. */
function checkRow(row: unknown, index: number, columns: readonly SandboxStreamColumn[]): string | undefined {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return `Record ${index} is not a JSON object.`;
  const declared = new Map(columns.map((c) => [c.name, c.type.toLowerCase()]));
  for (const [name, value] of Object.entries(row)) {
    const type = declared.get(name);
    if (!type) return `Record ${index}: column '${name}' is not declared in the stream.`;
    if (value === null) continue;
    if (!fits(type, value)) return `Record ${index}: column '${name}' expects ${type}, got ${JSON.stringify(value)}.`;
  }
  return undefined;
}

function fits(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'int':
    case 'long':
      return typeof value === 'number' && Number.isInteger(value);
    case 'real':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'dynamic':
      return true;
    default:
      return false;
  }
}

/** The body, or undefined once it passes `limit` bytes (the rest is drained, then 413). */
async function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, status, { error: { code, message } }, headers);
}
