const BARS = '▁▂▃▄▅▆▇█';

/**
 * A terminal sparkline: one block character per value, scaled between the series' min and max
 * (a flat series draws a flat line; missing values draw a space). Long series are averaged down
 * to `width` buckets so a day of 5-minute points fits a table cell.
 */
export function renderSparkline(
  values: readonly (number | undefined)[],
  width = 24,
  scale?: { readonly min: number; readonly max: number },
): string {
  const buckets = downsample(values, width);
  const present = buckets.filter((v): v is number => v !== undefined);
  if (present.length === 0) return '';
  // A fixed scale (e.g. 0 to 100 % for CU) makes the full block mean "at the limit".
  const min = scale?.min ?? Math.min(...present);
  const max = scale?.max ?? Math.max(...present);
  return buckets
    .map((v) => {
      if (v === undefined) return ' ';
      const level = max === min ? 3 : Math.round(((v - min) / (max - min)) * (BARS.length - 1));
      return BARS[level];
    })
    .join('');
}

function downsample(values: readonly (number | undefined)[], width: number): (number | undefined)[] {
  if (values.length <= width) return [...values];
  return Array.from({ length: width }, (_, i) => {
    const slice = values
      .slice(Math.floor((i * values.length) / width), Math.floor(((i + 1) * values.length) / width))
      .filter((v): v is number => v !== undefined);
    return slice.length ? slice.reduce((a, b) => a + b, 0) / slice.length : undefined;
  });
}
