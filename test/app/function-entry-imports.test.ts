import { execFileSync } from 'node:child_process';
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

interface LoadedBy {
  /** npm packages the module's import loaded that no module before it had loaded. */
  readonly packages: string[];
  /** Files of this repository (relative to it, without extension) that its import loaded first. */
  readonly ownModules: string[];
}

/**
 * Requires each module in turn in one fresh Node process (TypeScript through tsx, which drops
 * type-only imports like tsc does) and reports, per module, the npm packages and our own files its
 * import loaded that no module before it had loaded. Whatever a module reaches statically is loaded by
 * its import; `await import()` inside a handler is not.
 */
function loadedBy(modules: readonly string[]): Record<string, LoadedBy> {
  const script = `
    const packageOf = (file) => {
      const m = /.*node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file);
      return m ? m[1].replace(/\\\\/g, '/') : undefined;
    };
    const root = process.cwd() + require('node:path').sep;
    const ownModuleOf = (file) =>
      file.startsWith(root) && !file.includes('node_modules')
        ? file.slice(root.length).replace(/\\\\/g, '/').replace(/\\.[cm]?[jt]s$/, '')
        : undefined;
    const loaded = (of) => new Set(Object.keys(require.cache).map(of).filter(Boolean));
    const result = {};
    let seen = { packages: loaded(packageOf), own: loaded(ownModuleOf) };
    for (const file of JSON.parse(process.argv[1])) {
      require(file);
      const now = { packages: loaded(packageOf), own: loaded(ownModuleOf) };
      result[file] = {
        packages: [...now.packages].filter((p) => !seen.packages.has(p)).sort(),
        ownModules: [...now.own].filter((m) => !seen.own.has(m)).sort(),
      };
      seen = now;
    }
    process.stdout.write('\\n@@' + JSON.stringify(result));
  `;
  const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script, JSON.stringify(modules)], {
    cwd: ROOT,
    encoding: 'utf8',
    // @azure/functions warns on stderr that it runs outside the host ("test mode"): expected here.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.slice(out.lastIndexOf('\n@@') + 3)) as Record<string, LoadedBy>;
}

/** `@azure/functions` and what it brings itself (e.g. `@azure/functions-extensions-base`): the hello-world baseline. */
const FUNCTIONS_LIBRARY = new Set([
  '@azure/functions',
  ...Object.keys(
    (
      JSON.parse(readFileSync(join(ROOT, 'node_modules', '@azure', 'functions', 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      }
    ).dependencies ?? {},
  ),
]);

/**
 * Our modules a function entry may load at import: what registering a function needs (storage names,
 * the queue output binding, `registerRoute`, the lazy services holder). Each one is on every cold start:
 * keep them tiny and free of npm packages; config, schemas, handlers and SDKs load with the first call.
 */
const REGISTRATION_GLUE = ['lib/app/bindings', 'lib/app/services', 'lib/app/storage-names', 'lib/http/register-route'];

const azureSdksBesideFunctions = (packages: readonly string[]) =>
  packages.filter((p) => p.startsWith('@azure/') && !FUNCTIONS_LIBRARY.has(p));

describe('function entries', () => {
  const entries = globSync('functions/*.ts', { cwd: ROOT }).map((f) => join(ROOT, f));
  let entriesLoaded: LoadedBy[] | undefined;
  const loadedByEntries = () => (entriesLoaded ??= Object.values(loadedBy(entries)));

  it('load no Azure SDK but @azure/functions at import: handlers and services load on first use', () => {
    expect(entries.length).toBeGreaterThanOrEqual(20);
    const loaded = loadedBy(entries);
    const offenders = Object.fromEntries(
      Object.entries(loaded)
        .map(([file, { packages }]) => [file.slice(ROOT.length + 1), azureSdksBesideFunctions(packages)] as const)
        .filter(([, sdks]) => sdks.length > 0),
    );
    // If this fails: import the handler inside the function's handler (`await import('../lib/...')`) and take
    // the services from `await loadServices()`, rather than importing either at the top of functions/*.ts.
    expect(offenders).toEqual({});
    entriesLoaded = Object.values(loaded);
    expect(entriesLoaded.flatMap((l) => l.packages)).toContain('@azure/functions');
  });

  it('load no npm package at import that a hello-world Functions app does not load (no zod, croner, commander…)', () => {
    expect(loadedByEntries().flatMap((l) => l.packages.filter((p) => !FUNCTIONS_LIBRARY.has(p)))).toEqual([]);
  });

  it('load none of our modules at import but themselves and the registration glue', () => {
    const own = loadedByEntries().flatMap((l) => l.ownModules);
    expect(own.filter((m) => m.startsWith('functions/'))).toHaveLength(entries.length);
    // If this fails: the listed module came in through a static import of an entry or of the glue; load it
    // with `await import()` where it is used (see lib/app/services.ts and lib/http/register-route.ts).
    expect(own.filter((m) => !m.startsWith('functions/') && !REGISTRATION_GLUE.includes(m))).toEqual([]);
  });

  it('sees npm packages and our own modules that a module does import (the probe works)', () => {
    const compositionRoot = join(ROOT, 'lib', 'app', 'create-services.ts');
    const loaded = loadedBy([compositionRoot])[compositionRoot];
    expect(azureSdksBesideFunctions(loaded?.packages ?? [])).toEqual(
      expect.arrayContaining(['@azure/data-tables', '@azure/identity']),
    );
    expect(loaded?.packages).toContain('zod');
    expect(loaded?.ownModules).toEqual(expect.arrayContaining(['lib/app/create-services', 'lib/app/storage-names']));
  });
});
