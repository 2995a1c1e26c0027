import type { z } from 'zod';
import { AppError } from '../errors/app-error';
import { validationError } from '../errors/validation-error';

/** Validates route params, query or body with a zod schema; a clear 400 names every problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError('InvalidRequest', what, result.error);
  return result.data;
}

/** `application/json`, or any `+json` type (RFC 6839), with or without parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads a JSON body; a malformed one is a 400, not a 500. The content type must say JSON (415 otherwise):
 * a browser page can send a cross-site `text/plain` POST without asking, never an `application/json` one.
 */
export async function readJsonBody(request: {
  text(): Promise<string>;
  readonly headers: { get(name: string): string | null };
}): Promise<unknown> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    throw new AppError({
      kind: 'unsupportedMediaType',
      code: 'UnsupportedMediaType',
      message: `The body must be JSON sent with "Content-Type: application/json" (got ${contentType ? `"${contentType.slice(0, 100)}"` : 'no content type'})`,
    });
  }
  const text = await request.text();
  if (!text.trim())
    throw new AppError({ kind: 'validation', code: 'InvalidRequest', message: 'Request body is empty; JSON expected' });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError({ kind: 'validation', code: 'InvalidRequest', message: 'Request body is not valid JSON' });
  }
}
