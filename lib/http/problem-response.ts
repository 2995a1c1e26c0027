import type { HttpResponseInit } from '@azure/functions';
import { isAppError, type ErrorKind } from '../errors/app-error';
import { redactSecrets } from '../diagnose/redact-secrets';
import type { Logger } from '../logging/logger';
import { describeError } from '../logging/describe-error';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  validation: 400,
  notFound: 404,
  unauthenticated: 401,
  forbidden: 403,
  conflict: 409,
  unsupportedMediaType: 415,
  customerAccess: 422,
  transient: 503,
  internal: 500,
};

/**
 * The one mapper from errors to HTTP responses (RFC 9457 problem+json). Handlers throw; they never
 * build error bodies. Unexpected errors become a 500 without internals (logged with details instead).
 */
export function toProblemResponse(error: unknown, log: Logger, instance?: string): HttpResponseInit {
  if (isAppError(error)) {
    const status = STATUS_BY_KIND[error.kind];
    return problem(status, error.code, redactSecrets(error.message), instance, error.details);
  }
  log.error(`Unhandled error: ${describeError(error)}`, { code: 'InternalError' });
  return problem(500, 'InternalError', 'An unexpected error occurred; see the function logs.', instance);
}

function problem(
  status: number,
  code: string,
  detail: string,
  instance?: string,
  extensions: Readonly<Record<string, unknown>> = {},
): HttpResponseInit {
  return {
    status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    jsonBody: problemBody(status, code, detail, instance, extensions),
  };
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The RFC 9457 body every error answer carries (also the local host's own 400/404/405/500). */
export function problemBody(
  status: number,
  code: string,
  detail: string,
  instance?: string,
  extensions: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    type: `https://github.com/cross-tenant-collector/docs/errors#${code}`,
    title: code,
    status,
    detail,
    code,
    ...(instance ? { instance } : {}),
    ...extensions,
  };
}
