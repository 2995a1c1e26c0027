import { redactSecrets } from '../diagnose/redact-secrets';
import { ensureError } from '../errors/app-error';

/**
 * The message of anything thrown, safe for a log line: an SDK error may echo request details,
 * so token- and credential-shaped text is redacted before it leaves the process.
 */
export function describeError(error: unknown): string {
  return redactSecrets(ensureError(error).message);
}
