/**
 * The one error model of the product. Every failure that crosses a module boundary is an
 * AppError with a stable `code` (what ops and alerts key on), a human `message` that never
 * contains a secret, `retryable` (does the queue host try again?) and the original `cause`.
 */
export type ErrorKind =
  /** Input from a caller or a queue message is invalid: never retried. */
  | 'validation'
  /** A thing the caller named does not exist. */
  | 'notFound'
  /** The caller is not authenticated (no validated operator principal, or no valid ingest key). */
  | 'unauthenticated'
  /** The caller is known but lacks the role, or the thing named belongs to someone else. */
  | 'forbidden'
  /** The request contradicts the current state (e.g. a secret name held by another customer). */
  | 'conflict'
  /** The request body is not in a media type the route reads (JSON bodies need a JSON content type). */
  | 'unsupportedMediaType'
  /** A customer's access is broken (auth, roles, config): recorded, not retried. */
  | 'customerAccess'
  /** Throttling, 5xx, timeouts, network: the host retries. */
  | 'transient'
  /** A defect or an unexpected state of our own. */
  | 'internal';

export interface AppErrorOptions {
  readonly kind: ErrorKind;
  /** Stable code, e.g. `AADSTS7000222`, `AuthorizationFailed`, `InvalidCustomer`. */
  readonly code: string;
  readonly message: string;
  readonly retryable?: boolean;
  readonly cause?: unknown;
  /** Machine-readable extras (HTTP status, field errors, parsed ids). Never a secret. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly kind: ErrorKind;
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(options: AppErrorOptions) {
    super(options.message, { cause: options.cause });
    this.kind = options.kind;
    this.code = options.code;
    this.retryable = options.retryable ?? options.kind === 'transient';
    this.details = options.details ?? {};
  }
}

/** Narrowing guard that also works across module copies (vitest, bundlers). */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError || (value instanceof Error && value.name === 'AppError' && 'kind' in value);
}

/** Turns anything thrown into an Error, so callers can rely on `.message` and `.stack`. */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  const text = typeof value === 'string' ? value : safeStringify(value);
  return new Error(`Non-error value thrown: ${text}`);
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
