import { execFileSync } from 'node:child_process';
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

/**
 * Requires each module in turn in one fresh Node process (TypeScript through tsx, which drops
 * type-only imports like tsc does) and reports, per module, the npm packages its import loaded that
 * no module before it had loaded. Whatever a module reaches statically is loaded by its import;
 * `await import()` inside a handler is not.
 */
function packagesLoadedBy(modules: readonly string[]): Record<string, string[]> {
  const script = `
    const packageOf = (file) => {
      const m = /.*node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file);
      return m ? m[1].replace(/\\\\/g, '/') : undefined;
    };
    const loaded = () => new Set(Object.keys(require.cache).map(packageOf).filter(Boolean));
    const result = {};
    let seen = loaded();
    for (const file of JSON.parse(process.argv[1])) {
      require(file);
      const now = loaded();
      result[file] = [...now].filter((p) => !seen.has(p)).sort();
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
  return JSON.parse(out.slice(out.lastIndexOf('\n@@') + 3)) as Record<string, string[]>;
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

const azureSdksBesideFunctions = (packages: readonly string[]) =>
  packages.filter((p) => p.startsWith('@azure/') && !FUNCTIONS_LIBRARY.has(p));

describe('function entries', () => {
  it('load no Azure SDK but @azure/functions at import: handlers and services load on first use', () => {
    const entries = globSync('functions/*.ts', { cwd: ROOT }).map((f) => join(ROOT, f));
    expect(entries.length).toBeGreaterThanOrEqual(20);
    const loaded = packagesLoadedBy(entries);
    const offenders = Object.fromEntries(
      Object.entries(loaded)
        .map(([file, packages]) => [file.slice(ROOT.length + 1), azureSdksBesideFunctions(packages)] as const)
        .filter(([, sdks]) => sdks.length > 0),
    );
    // If this fails: import the handler inside the function's handler (`await import('../lib/...')`) and take
    // the services from `await loadServices()`, rather than importing either at the top of functions/*.ts.
    expect(offenders).toEqual({});
    expect(Object.values(loaded).flat()).toContain('@azure/functions');
  });

  it('sees an SDK that a module does import (the probe works)', () => {
    const compositionRoot = join(ROOT, 'lib', 'app', 'create-services.ts');
    const loaded = packagesLoadedBy([compositionRoot])[compositionRoot] ?? [];
    expect(azureSdksBesideFunctions(loaded)).toEqual(expect.arrayContaining(['@azure/data-tables', '@azure/identity']));
  });
});
