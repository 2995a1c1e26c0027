import { execFileSync } from 'node:child_process';
import { globSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface ImportTimes {
  /** The slowest function entry's import (median of its runs), ms. */
  readonly importEntryMs: number;
  readonly importSlowestEntry: string;
  /** A hello-world Functions app: `@azure/functions` and one HTTP registration, ms. */
  readonly importHelloWorldMs: number;
  /** Slowest entry over hello world: the issue's goal is under 1.5. */
  readonly importRatio: number;
  /** Every entry of dist/functions in one process, as the host's worker loads the app on a cold start, ms. */
  readonly importAppMs: number;
  readonly importAppRatio: number;
  /** Every entry of dist/functions alone, ms. */
  readonly perEntryMs: Readonly<Record<string, number>>;
}

/**
 * Import time of every compiled function entry (dist/functions/*.js, each alone in a fresh Node process,
 * as the host's worker loads it) against a hello-world Functions app, median of `runs` processes each
 * (5: on a shared, loaded machine single runs swing by 2-3x), hello world sampled alongside each.
 * The host imports every entry into one worker on a cold start: `importAppMs` is that, all entries in
 * one process; the slowest single entry is reported too.
 */
export function measureImportTimes(root = process.cwd(), runs = 5): ImportTimes {
  const sample = (body: string): number => {
    const code = `const t=performance.now();${body};process.stdout.write(String(performance.now()-t))`;
    return Number(
      execFileSync(process.execPath, ['-e', code], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim(),
    );
  };
  const helloWorld = `const {app}=require('@azure/functions');app.http('hello',{handler:async()=>({body:'hi'})})`;
  // Hello world is sampled next to every measurement, so it sees the same machine load as the entries.
  const helloSamples: number[] = [];
  const timed = (body: string): number => {
    const samples: number[] = [];
    for (let run = 0; run < runs; run++) {
      helloSamples.push(sample(helloWorld));
      samples.push(sample(body));
    }
    return median(samples);
  };
  const entries = globSync('dist/functions/*.js', { cwd: root })
    .sort()
    .map((entry) => join(root, entry));
  const perEntryMs: Record<string, number> = {};
  for (const entry of entries) perEntryMs[basename(entry, '.js')] = timed(`require(${JSON.stringify(entry)})`);
  const importAppMs = timed(`for (const entry of ${JSON.stringify(entries)}) require(entry)`);
  const importHelloWorldMs = median(helloSamples);
  const [importSlowestEntry, importEntryMs] = Object.entries(perEntryMs).reduce<[string, number]>(
    (slowest, current) => (current[1] > slowest[1] ? current : slowest),
    ['', 0],
  );
  return {
    importEntryMs,
    importSlowestEntry,
    importHelloWorldMs,
    importRatio: round(importEntryMs / importHelloWorldMs),
    importAppMs,
    importAppRatio: round(importAppMs / importHelloWorldMs),
    perEntryMs,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
const median = (samples: readonly number[]): number =>
  round([...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0);

// `node dist/lib/bench/measure-import-times.js` (after `npm run build`): the import times alone.
if (require.main === module) {
  const times = measureImportTimes();
  console.table(Object.entries(times.perEntryMs).map(([entry, ms]) => ({ entry, ms })));
  const { perEntryMs: _perEntry, ...summary } = times;
  console.table([summary]);
}
