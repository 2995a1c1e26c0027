import type { z } from 'zod';
import { AppError } from './app-error';

/**
 * Wraps a zod failure as a non-retryable AppError whose message names every problem
 * (`field: problem; other: problem`), short enough for a log line or a 400 body.
 */
export function validationError(code: string, what: string, error: z.ZodError): AppError {
  const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  return new AppError({ kind: 'validation', code, message: `${what} is invalid: ${summary}`, details: { issues } });
}
