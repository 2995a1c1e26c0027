import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { contextLogger } from '../logging/logger';
import { toProblemResponse } from './problem-response';

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** Wraps an HTTP handler so every thrown error goes through the one problem+json mapper. */
export function withProblemResponses(handler: Handler): Handler {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return toProblemResponse(error, contextLogger(context), new URL(request.url).pathname);
    }
  };
}
