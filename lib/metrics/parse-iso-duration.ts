/**
 * Parses the ISO 8601 durations Azure Monitor uses for intervals and timespans
 * (`PT1M`, `PT5M`, `PT1H`, `P1D`, `P7DT12H`...) into milliseconds; `undefined` if invalid.
 */
export function parseIsoDuration(text: string): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!match || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase() === 'PT') return undefined;
  const [, days, hours, minutes, seconds] = match;
  const ms =
    ((Number(days ?? 0) * 24 + Number(hours ?? 0)) * 60 + Number(minutes ?? 0)) * 60_000 + Number(seconds ?? 0) * 1000;
  return ms > 0 ? ms : undefined;
}
