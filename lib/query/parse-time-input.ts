import { AppError } from '../errors/app-error';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
/** `24h`, `7d`, `90m`, `2w`, optionally with a leading minus (`-24h`): that long before now. */
const RELATIVE = /^-?(\d{1,6})([mhdw])$/;
/** Full ISO 8601 instants with an offset, or a plain date (midnight UTC). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses a query time: `now`, a relative time (`24h` = 24 hours before `now`) or an ISO 8601
 * instant with an offset (`2026-11-22T09:00:00Z`) or date (`2026-11-22`, midnight UTC).
 * A bad value is a validation AppError naming the parameter and the accepted forms.
 */
export function parseTimeInput(value: string, now: Date, parameter: string): Date {
  const text = value.trim();
  if (text.toLowerCase() === 'now') return now;
  const relative = RELATIVE.exec(text);
  if (relative) {
    const [, amount, unit] = relative;
    return new Date(now.getTime() - Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
  }
  if (ISO_INSTANT.test(text) || ISO_DATE.test(text)) {
    const date = new Date(ISO_DATE.test(text) ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new AppError({
    kind: 'validation',
    code: 'InvalidTime',
    message: `"${parameter}" must be an ISO 8601 instant (2026-11-22T09:00:00Z), a date (2026-11-22), "now" or a relative time like 30m, 24h, 7d, 2w; got "${truncate(text)}"`,
    details: { parameter },
  });
}

/** Parses a duration like `24h` or `7d` into milliseconds (for windows such as `window=24h`). */
export function parseRelativeDuration(value: string, parameter: string): number {
  const match = RELATIVE.exec(value.trim());
  if (!match) {
    throw new AppError({
      kind: 'validation',
      code: 'InvalidDuration',
      message: `"${parameter}" must be a duration like 30m, 24h, 7d or 2w; got "${truncate(value)}"`,
      details: { parameter },
    });
  }
  const [, amount, unit] = match;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
