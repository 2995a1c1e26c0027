import { escapeHtml } from './escape-html';

export interface SparklineOptions {
  readonly width?: number;
  readonly height?: number;
  /** Accessible name, e.g. "Percentage CPU, last 24 h". */
  readonly label: string;
  readonly unit?: string;
  /** A dashed horizontal line at this value (kept inside the scale), e.g. 100 for CU %. */
  readonly reference?: number;
  /** Indexes of values to mark (e.g. throttled intervals). */
  readonly marks?: readonly number[];
}

/**
 * An inline SVG sparkline (no script, no external resource). `values` are time slots, oldest first; a
 * `null` slot has no data and leaves a gap, so an hour that was never collected is not drawn as if the
 * neighbours were joined. Each run of consecutive values is one polyline; the newest point is marked;
 * min/max in the title for screen readers and hover. `data-points` carries the number of values drawn
 * (the browser test reads it).
 */
export function renderSvgSparkline(values: readonly (number | null)[], options: SparklineOptions): string {
  const width = options.width ?? 160;
  const height = options.height ?? 36;
  const pad = 3;
  const unit = options.unit ? ` ${options.unit}` : '';
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) {
    return `<svg class="spark empty" role="img" aria-label="${escapeHtml(options.label)}: no data" data-points="0" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><line x1="${pad}" y1="${height / 2}" x2="${width - pad}" y2="${height / 2}" class="none"/><title>${escapeHtml(options.label)}: no data</title></svg>`;
  }
  const reference = options.reference;
  const scaled = reference === undefined ? present : [...present, reference];
  const min = Math.min(...scaled);
  const max = Math.max(...scaled);
  const span = max - min || 1;
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const coords = values.map((v, i) => {
    if (v === null || !Number.isFinite(v)) return undefined;
    const x = values.length > 1 ? pad + i * step : width / 2;
    const y = max === min ? height / 2 : pad + (1 - (v - min) / span) * (height - 2 * pad);
    return [round(x), round(y)] as const;
  });
  const runs: Array<Array<readonly [number, number]>> = [];
  let run: Array<readonly [number, number]> = [];
  for (const c of coords) {
    if (c) run.push(c);
    else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  const [lastX, lastY] = runs.at(-1)!.at(-1)!;
  const low = Math.min(...present);
  const high = Math.max(...present);
  const marks = (options.marks ?? []).filter((i) => coords[i] !== undefined);
  const title =
    `${options.label}: min ${fmt(low)}${unit}, max ${fmt(high)}${unit}, last ${fmt(present.at(-1)!)}${unit} (${present.length} points)` +
    (marks.length > 0 ? `, ${marks.length} throttled` : '');
  const referenceY =
    reference === undefined ? undefined : round(pad + (1 - (reference - min) / (max - min || 1)) * (height - 2 * pad));
  const extra =
    (referenceY === undefined
      ? ''
      : `<line class="limit" x1="${pad}" y1="${referenceY}" x2="${width - pad}" y2="${referenceY}" stroke-dasharray="3 2" data-reference="${reference}"/>`) +
    marks.map((i) => `<circle class="mark" cx="${coords[i]![0]}" cy="${coords[i]![1]}" r="2"/>`).join('');
  // A lone value between gaps has no line to sit on: a dot shows it.
  const lines = runs
    .map((r) =>
      r.length > 1
        ? `<polyline points="${r.map(([x, y]) => `${x},${y}`).join(' ')}"/>`
        : `<circle class="lone" cx="${r[0]![0]}" cy="${r[0]![1]}" r="1.5"/>`,
    )
    .join('');
  return (
    `<svg class="spark" role="img" aria-label="${escapeHtml(title)}" data-points="${present.length}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title>${escapeHtml(title)}</title>` +
    extra +
    lines +
    `<circle cx="${lastX}" cy="${lastY}" r="2.5"/></svg>`
  );
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
