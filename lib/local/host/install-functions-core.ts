import Module from 'node:module';
import { AppError } from '../../errors/app-error';
import type {
  CoreFunctionCallback,
  CoreFunctionMetadata,
  HookCallback,
  HookName,
  ProgrammingModel,
  RpcLogLevel,
} from './functions-core-types';

export interface RegisteredFunction {
  readonly metadata: CoreFunctionMetadata;
  readonly handler: CoreFunctionCallback;
  /** The function module that was loading when it registered (see `loadFunctionModules`). */
  readonly modulePath: string | undefined;
  /** Where `app.*` was called from, to attribute registrations made outside `loadFunctionModules`. */
  readonly registeredFrom: string;
}

/**
 * Process-wide state of the fake worker. Function modules load once per process (module
 * cache), so their registrations must outlive any one local host: every host reads from here.
 */
export interface FunctionsCoreRegistry {
  readonly functions: Map<string, RegisteredFunction>;
  readonly hooks: Map<HookName, Set<HookCallback>>;
  programmingModel: ProgrammingModel | undefined;
  /** Set while `loadFunctionModules` imports a module. */
  loadingModule: string | undefined;
  /** Where library/system logs go; the running host replaces it. */
  systemLog: (level: RpcLogLevel, message: string) => void;
}

const REGISTRY_KEY = Symbol.for('cross-tenant-collector.local-host.functions-core');
const CORE_MODULE_ID = '@azure/functions-core';

type GlobalWithRegistry = typeof globalThis & { [REGISTRY_KEY]?: FunctionsCoreRegistry };

/**
 * Makes `require('@azure/functions-core')` return our worker API, the way the real Node.js
 * worker does (it patches `Module.prototype.require` too). From then on `app.timer`,
 * `app.storageQueue`, `app.http`… register with us instead of running in "test mode".
 * Idempotent; must run before `@azure/functions` first registers anything, because the
 * library caches a failed lookup.
 */
export function installFunctionsCore(): FunctionsCoreRegistry {
  const holder = globalThis as GlobalWithRegistry;
  const existing = holder[REGISTRY_KEY];
  if (existing) return existing;

  const registry: FunctionsCoreRegistry = {
    functions: new Map(),
    hooks: new Map(),
    programmingModel: undefined,
    loadingModule: undefined,
    systemLog: () => undefined,
  };
  const coreApi = createCoreApi(registry);

  const moduleProto = (Module as unknown as { prototype: { require: (id: string) => unknown } }).prototype;
  const originalRequire = moduleProto.require;
  moduleProto.require = function requireWithFunctionsCore(this: unknown, id: string): unknown {
    if (id === CORE_MODULE_ID) return coreApi;
    // eslint-disable-next-line prefer-rest-params
    return originalRequire.apply(this, arguments as unknown as [string]);
  };
  holder[REGISTRY_KEY] = registry;
  return registry;
}

class Disposable {
  #onDispose: (() => void) | undefined;
  constructor(onDispose: () => void) {
    this.#onDispose = onDispose;
  }
  dispose(): void {
    this.#onDispose?.();
    this.#onDispose = undefined;
  }
}

function createCoreApi(registry: FunctionsCoreRegistry): Record<string, unknown> {
  return {
    version: '3.10.1',
    hostVersion: '4.1000.0',
    Disposable,
    setProgrammingModel(model: ProgrammingModel): void {
      registry.programmingModel = model;
    },
    getProgrammingModel(): ProgrammingModel | undefined {
      return registry.programmingModel;
    },
    registerFunction(metadata: CoreFunctionMetadata, handler: CoreFunctionCallback): Disposable {
      if (registry.functions.has(metadata.name)) {
        throw new AppError({
          kind: 'internal',
          code: 'DuplicateFunction',
          message: `A function with name "${metadata.name}" already exists.`,
        });
      }
      registry.functions.set(metadata.name, {
        metadata,
        handler,
        modulePath: registry.loadingModule,
        registeredFrom: new Error().stack ?? '',
      });
      return new Disposable(() => registry.functions.delete(metadata.name));
    },
    registerHook(hookName: HookName, callback: HookCallback): Disposable {
      let callbacks = registry.hooks.get(hookName);
      if (!callbacks) registry.hooks.set(hookName, (callbacks = new Set()));
      callbacks.add(callback);
      return new Disposable(() => callbacks.delete(callback));
    },
    log(level: RpcLogLevel, _category: string, message: string): void {
      registry.systemLog(level, message);
    },
  };
}
