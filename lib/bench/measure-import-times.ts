import { execFileSync } from 'node:child_process';
import { globSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';

/** One import, timed inside a fresh Node process. */
export interface ImportSample {
  readonly wallMs: number;
  /**
   * CPU time the process spent on the import (user + system, all threads). Importing from the page cache
   * is CPU-bound and single-threaded, so on an idle instance this is what the import takes; on a busy
   * machine wall time also counts the wait for a core, which says more about the neighbours than the code.
   */
  readonly cpuMs: number;
  /** Modules in require's cache that the import added. */
  readonly modules: number;
}

/** Median and the 10th-90th percentile of a set of samples. */
export interface Spread {
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
}

export interface TargetImportTimes {
  readonly wallMs: Spread;
  readonly cpuMs: Spread;
  /** Each sample over the hello-world sample taken right next to it (same moment, same machine load). */
  readonly wallRatio: Spread;
  readonly cpuRatio: Spread;
  /** Modules loaded beyond what its hello world loads (our glue; the function files themselves not counted). */
  readonly extraModules: number;
}

export interface HelloWorldTimes {
  /** Functions it registers, one file each. */
  readonly functions: number;
  readonly wallMs: Spread;
  readonly cpuMs: Spread;
  readonly modules: number;
}

export interface ImportTimes {
  readonly node: string;
  /** The `@azure/functions` version both hello world and the entries load. */
  readonly functionsLibrary: string;
  /** Samples per import (entry or whole app), each paired with one sample of its hello world. */
  readonly runs: number;
  /** 1-minute load average before and after measuring: how busy the machine was. */
  readonly loadAverage: readonly [number, number];
  /** One function: what each entry is compared with. */
  readonly helloWorld: HelloWorldTimes;
  /** As many hello-world functions as the app has, one file each: what the whole app is compared with. */
  readonly helloWorldApp: HelloWorldTimes;
  /** Every entry of dist/functions alone, as the host's worker requires it. */
  readonly perEntry: Readonly<Record<string, TargetImportTimes>>;
  /** Every entry in one process, as the host's worker loads the app on a cold start (ratios over `helloWorldApp`). */
  readonly app: TargetImportTimes;
  /** The entry with the highest median CPU ratio. */
  readonly slowestEntry: string;
  /** The slowest entry's median CPU time over hello world's: issue 12's target is under 1.5. */
  readonly importRatio: number;
  /** The same in wall-clock time (meaningful when the machine is idle; see `loadAverage`). */
  readonly importWallRatio: number;
  /** The whole app's median CPU time over a hello-world app with as many functions. */
  readonly importAppRatio: number;
  /** The whole app's median CPU time over the one-function hello world's (what N functions cost at all). */
  readonly importAppOverOneFunction: number;
}

/**
 * A hello-world Functions app, as `func new --template "HTTP trigger"` writes it for the v4 Node model:
 * one file that the worker requires like ours, `@azure/functions` and one HTTP registration.
 */
const helloWorldSource = (functionName: string) => `const { app } = require('@azure/functions');

app.http('${functionName}', {
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  handler: async (request, context) => {
    context.log(\`Http function processed request for url "\${request.url}"\`);
    const name = request.query.get('name') || (await request.text()) || 'world';
    return { body: \`Hello, \${name}!\` };
  },
});
`;

/**
 * Import time of every compiled function entry (dist/functions/*.js, each alone in a fresh Node process)
 * against a one-function hello-world Functions app, and of the whole app (all entries in one process, as
 * the worker loads it) against a hello-world app with as many functions (one template file each).
 *
 * Fair and robust on a shared 2-core machine:
 * - same Node (this process's), same `@azure/functions` (the project's node_modules, resolved from the
 *   same directory depth), and the hello world is a file the worker requires, like an entry;
 * - every process first installs the local host's `@azure/functions-core` (as the real worker provides it),
 *   so `app.http`/`app.storageQueue` register for real (metadata, binding names) instead of skipping in
 *   "test mode"; that set-up is outside the timed span;
 * - hello world is sampled right next to every sample (order alternating), so each pair sees the same
 *   load; `runs` pairs per target, after a warm-up; medians and the 10th-90th percentile spread;
 * - CPU time beside wall time: it is the idle-instance cost even when neighbours keep the cores busy.
 * Call it while the bench itself is idle (before the environment starts): cold start is a property of an
 * idle instance.
 */
export function measureImportTimes(root = process.cwd(), runs = 9): ImportTimes {
  const loadBefore = loadavg()[0] ?? 0;
  const installCore = require.resolve('../local/host/install-functions-core');
  const helloDir = join(root, 'test-output', 'hello-world');
  mkdirSync(helloDir, { recursive: true });
  const writeHello = (index: number): string => {
    const file = join(helloDir, `http-trigger-${index}.js`);
    writeFileSync(file, helloWorldSource(`httpTrigger${index}`));
    return file;
  };

  const sample = (files: readonly string[]): ImportSample => {
    const code =
      `require(${JSON.stringify(installCore)}).installFunctionsCore();` +
      `const before=Object.keys(require.cache).length;const c=process.cpuUsage();const t=performance.now();` +
      `for(const f of ${JSON.stringify(files)})require(f);` +
      `const wallMs=performance.now()-t;const u=process.cpuUsage(c);` +
      `process.stdout.write(JSON.stringify({wallMs,cpuMs:(u.user+u.system)/1000,modules:Object.keys(require.cache).length-before}))`;
    // stderr ignored: nothing is expected there, and a failing import still fails execFileSync.
    const out = execFileSync(process.execPath, ['-e', code], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(out.toString()) as ImportSample;
  };

  const entries = globSync('dist/functions/*.js', { cwd: root })
    .sort()
    .map((entry) => join(root, entry));
  if (entries.length === 0) throw new Error(`no dist/functions/*.js under ${root}: run \`npm run build\` first`);
  const helloWorld = [writeHello(1)];
  const helloWorldApp = entries.map((_, index) => writeHello(index + 1));
  const APP = '(whole app)';
  // Each import with the hello world it is compared with.
  const targets: ReadonlyArray<readonly [string, readonly string[], readonly string[]]> = [
    ...entries.map((entry) => [basename(entry, '.js'), [entry], helloWorld] as const),
    [APP, entries, helloWorldApp],
  ];
  // Warm-up: the first processes after a build pay for reading files into the page cache.
  sample(helloWorldApp);
  sample(entries);

  const hello: ImportSample[] = [];
  const helloApp: ImportSample[] = [];
  const pairs = new Map<string, Array<{ hello: ImportSample; target: ImportSample }>>(targets.map(([n]) => [n, []]));
  for (let run = 0; run < runs; run++) {
    targets.forEach(([name, files, baseline], index) => {
      const helloFirst = (run + index) % 2 === 0;
      const first = sample(helloFirst ? baseline : files);
      const second = sample(helloFirst ? files : baseline);
      const pair = helloFirst ? { hello: first, target: second } : { hello: second, target: first };
      (name === APP ? helloApp : hello).push(pair.hello);
      pairs.get(name)?.push(pair);
    });
  }

  const helloTimes = (samples: readonly ImportSample[], functions: number): HelloWorldTimes => ({
    functions,
    wallMs: spreadOf(samples.map((s) => s.wallMs)),
    cpuMs: spreadOf(samples.map((s) => s.cpuMs)),
    modules: spreadOf(samples.map((s) => s.modules)).median,
  });
  const oneFunction = helloTimes(hello, 1);
  const sameSize = helloTimes(helloApp, helloWorldApp.length);
  const timesOf = (name: string): TargetImportTimes => {
    const samples = pairs.get(name) ?? [];
    const helloModules = name === APP ? sameSize.modules : oneFunction.modules;
    return {
      wallMs: spreadOf(samples.map((p) => p.target.wallMs)),
      cpuMs: spreadOf(samples.map((p) => p.target.cpuMs)),
      wallRatio: spreadOf(samples.map((p) => p.target.wallMs / p.hello.wallMs)),
      cpuRatio: spreadOf(samples.map((p) => p.target.cpuMs / p.hello.cpuMs)),
      extraModules: spreadOf(samples.map((p) => p.target.modules)).median - helloModules,
    };
  };
  const perEntry = Object.fromEntries(entries.map((e) => basename(e, '.js')).map((n) => [n, timesOf(n)]));
  const [slowestEntry, slowest] = Object.entries(perEntry).reduce((a, b) =>
    b[1].cpuRatio.median > a[1].cpuRatio.median ? b : a,
  );
  const app = timesOf(APP);
  const functionsPackage = JSON.parse(
    readFileSync(join(root, 'node_modules', '@azure', 'functions', 'package.json'), 'utf8'),
  ) as { version: string };
  return {
    node: process.version,
    functionsLibrary: functionsPackage.version,
    runs,
    loadAverage: [round(loadBefore), round(loadavg()[0] ?? 0)],
    helloWorld: oneFunction,
    helloWorldApp: sameSize,
    perEntry,
    app,
    slowestEntry,
    importRatio: slowest.cpuRatio.median,
    importWallRatio: slowest.wallRatio.median,
    importAppRatio: app.cpuRatio.median,
    importAppOverOneFunction: round(app.cpuMs.median / oneFunction.cpuMs.median),
  };
}

/** Median and 10th-90th percentile (nearest rank), rounded to 0.01. */
export function spreadOf(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => round(sorted[Math.round(p * (sorted.length - 1))] ?? Number.NaN);
  return { median: at(0.5), p10: at(0.1), p90: at(0.9) };
}

/** Rows for `console.table`: hello world, every entry and the whole app, medians with their spread. */
export function importTimeRows(times: ImportTimes): Record<string, string | number>[] {
  const spread = (s: Spread, unit = '') => `${s.median}${unit} (${s.p10}-${s.p90})`;
  const row = (name: string, t: TargetImportTimes) => ({
    import: name,
    'wall ms (p10-p90)': spread(t.wallMs),
    'cpu ms (p10-p90)': spread(t.cpuMs),
    '× hello, wall': spread(t.wallRatio, '×'),
    '× hello, cpu': spread(t.cpuRatio, '×'),
    'modules beyond hello world': t.extraModules,
  });
  const helloRow = (name: string, t: HelloWorldTimes) => ({
    import: name,
    'wall ms (p10-p90)': spread(t.wallMs),
    'cpu ms (p10-p90)': spread(t.cpuMs),
    '× hello, wall': '1×',
    '× hello, cpu': '1×',
    'modules beyond hello world': 0,
  });
  return [
    helloRow(
      `hello world, 1 function (@azure/functions ${times.functionsLibrary}, Node ${times.node})`,
      times.helloWorld,
    ),
    ...Object.entries(times.perEntry).map(([name, t]) => row(name, t)),
    helloRow(`hello world, ${times.helloWorldApp.functions} functions (one file each)`, times.helloWorldApp),
    row(`whole app (every entry, one process) over ${times.helloWorldApp.functions}-function hello world`, times.app),
  ];
}

/** One line: the target figure, the wall-clock figure beside it, and how busy the machine was. */
export function describeImportTimes(times: ImportTimes): string {
  return (
    `slowest entry ${times.slowestEntry}: ${times.importRatio}× hello world in CPU time, ` +
    `${times.importWallRatio}× in wall time; whole app ${times.importAppRatio}× a hello-world app of as many ` +
    `functions (${times.importAppOverOneFunction}× the one-function one), CPU; ` +
    `${times.runs} interleaved pairs per import, load average ${times.loadAverage[0]} → ${times.loadAverage[1]}`
  );
}

const round = (n: number) => Math.round(n * 100) / 100;

// `node dist/lib/bench/measure-import-times.js [runs]` (after `npm run build`): the import times alone.
if (require.main === module) {
  const runs = process.argv[2] ? Number(process.argv[2]) : undefined;
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0))
    throw new Error(`runs must be a positive whole number, got "${process.argv[2]}"`);
  const times = measureImportTimes(process.cwd(), runs);
  console.table(importTimeRows(times));
  console.log(describeImportTimes(times));
}
