import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError, ensureError } from '../../errors/app-error';
import type { FunctionsCoreRegistry, RegisteredFunction } from './install-functions-core';

/**
 * Imports the function modules one after another (each registers itself through
 * `@azure/functions`) and returns the functions they registered. A module already loaded in
 * this process is not run again; its earlier registrations are returned instead.
 */
export async function loadFunctionModules(
  registry: FunctionsCoreRegistry,
  modulePaths: readonly string[],
): Promise<RegisteredFunction[]> {
  const wanted = modulePaths.map((modulePath) => path.resolve(modulePath));
  for (const modulePath of wanted) {
    registry.loadingModule = modulePath;
    try {
      // import() rather than require(): it works for compiled .js and, under vitest, for .ts.
      await import(pathToFileURL(modulePath).href);
    } catch (error) {
      throw new AppError({
        kind: 'internal',
        code: 'FunctionModuleLoadFailed',
        message: `Could not load function module ${modulePath}: ${ensureError(error).message}`,
        cause: error,
      });
    } finally {
      registry.loadingModule = undefined;
    }
  }
  const belongs = (fn: RegisteredFunction): boolean =>
    fn.modulePath !== undefined
      ? wanted.includes(fn.modulePath)
      : wanted.some((modulePath) => fn.registeredFrom.includes(stripExtension(modulePath)));
  return [...registry.functions.values()].filter(belongs);
}

/** Stack frames may name the source (.ts) or the compiled (.js) file. */
function stripExtension(modulePath: string): string {
  return modulePath.replace(/\.[cm]?[jt]s$/, '');
}
