import type { z } from 'zod';
import { AppError } from '../errors/app-error';
import { validationError } from '../errors/validation-error';

/** Validates route params, query or body with a zod schema; a clear 400 names every problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError('InvalidRequest', what, result.error);
  return result.data;
}

/** Reads a JSON body; a malformed one is a 400, not a 500. */
export async function readJsonBody(request: { text(): Promise<string> }): Promise<unknown> {
  const text = await request.text();
  if (!text.trim())
    throw new AppError({ kind: 'validation', code: 'InvalidRequest', message: 'Request body is empty; JSON expected' });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError({ kind: 'validation', code: 'InvalidRequest', message: 'Request body is not valid JSON' });
  }
}
