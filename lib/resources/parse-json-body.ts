import type { PipelineResponse } from '@azure/core-rest-pipeline';

/**
 * The body of a raw pipeline response as JSON, or undefined when it is empty or not JSON: callers of
 * `sendRequest` (Resource Graph, Power BI) then report the HTTP status instead of a parse error.
 */
export function parseJsonBody(response: Pick<PipelineResponse, 'bodyAsText'>): unknown {
  const text = response.bodyAsText;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
