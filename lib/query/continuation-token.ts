import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors/app-error';

/**
 * Where the next page starts: the series (by position in the query's series list) and the instant,
 * plus the query's absolute range — relative times (`24h`) move with the clock, the pages must not.
 */
export interface PagePosition {
  readonly series: number;
  readonly from: string;
  /** The split series (dimension key) of that metric to resume in; '' for the unsplit one. */
  readonly dimension: string;
  readonly rangeFrom: string;
  readonly rangeTo: string;
}

const tokenSchema = z.object({
  v: z.literal(1),
  s: z.number().int().min(0).max(100_000),
  f: z.iso.datetime(),
  a: z.iso.datetime(),
  b: z.iso.datetime(),
  q: z.string().length(16),
  d: z
    .string()
    .regex(/^([0-9a-f]{16})?$/)
    .optional(),
});

/**
 * Continuation tokens are opaque to callers but not secret: base64url JSON holding the position and a
 * fingerprint of the query, so a token replayed with different parameters is refused instead of
 * silently returning the wrong page.
 */
export function encodeContinuationToken(position: PagePosition, queryFingerprint: string): string {
  return Buffer.from(
    JSON.stringify({
      v: 1,
      s: position.series,
      f: position.from,
      ...(position.dimension ? { d: position.dimension } : {}),
      a: position.rangeFrom,
      b: position.rangeTo,
      q: queryFingerprint,
    }),
  ).toString('base64url');
}

/** Decodes a token; a malformed one or one from another query is a 400 (validation AppError). */
export function decodeContinuationToken(token: string, queryFingerprint: string): PagePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = tokenSchema.safeParse(parsed);
  if (!result.success) throw invalidToken('is malformed');
  if (result.data.q !== queryFingerprint)
    throw invalidToken('belongs to a different query; repeat the same parameters');
  return {
    series: result.data.s,
    from: result.data.f,
    dimension: result.data.d ?? '',
    rangeFrom: result.data.a,
    rangeTo: result.data.b,
  };
}

/** A short, stable fingerprint of the query parameters that shape the result. */
export function fingerprintQuery(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

function invalidToken(reason: string): AppError {
  return new AppError({ kind: 'validation', code: 'InvalidContinuationToken', message: `continuationToken ${reason}` });
}
