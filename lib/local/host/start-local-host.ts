import { Cron, type CronOptions } from 'croner';
import type { QueueClient } from '@azure/storage-queue';
import { encodeClientPrincipal, type OperatorRole } from '../../auth/operator-principal';
import { AppError, ensureError } from '../../errors/app-error';
import { compileRoute } from './compile-route';
import { createQueueClient } from './create-queue-client';
import type { CoreBinding, RpcHttpData, RpcLogLevel, RpcParameterBinding, RpcTypedData } from './functions-core-types';
import { installFunctionsCore, type RegisteredFunction } from './install-functions-core';
import { invokeRegisteredFunction } from './invoke-registered-function';
import { loadFunctionModules } from './load-function-modules';
import { readHostJson } from './read-host-json';
import { resolveBindingExpression } from './resolve-binding-expression';
import { startHttpServer, type HttpRoute } from './start-http-server';
import { startQueueListener, type HostLog, type HostLogLevel, type QueueListener } from './start-queue-listener';
import { writeQueueOutputs } from './write-queue-outputs';

export interface LocalHostOptions {
  /** Absolute paths of the function files; each registers itself with `@azure/functions` when loaded. */
  readonly functionModules: readonly string[];
  /** Resolves `%NAME%` in binding values and names the storage `connection`s. */
  readonly appSettings: Readonly<Record<string, string>>;
  /** Source of `extensions.queues` and `extensions.http.routePrefix`. */
  readonly hostJsonPath: string;
  /** Default 7071, like `func start`; 0 picks a free port. */
  readonly httpPort?: number;
  readonly log?: HostLog;
  /** Default true: run timers on their schedules. False: only `runTimer` runs them. */
  readonly startTimers?: boolean;
  /**
   * The development principal the host passes to every HTTP function as App Service Authentication would
   * (`X-MS-CLIENT-PRINCIPAL`), so the functions' role checks run locally as in Azure. Absent: no principal,
   * and every operator route answers 401.
   */
  readonly operatorPrincipal?: DevelopmentPrincipal;
}

/** Who the local host says is calling: an id, a name and the app roles the functions check. */
export interface DevelopmentPrincipal {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly OperatorRole[];
}

export interface LocalHostFunction {
  readonly name: string;
  /** Trigger binding type: `timerTrigger`, `queueTrigger`, `httpTrigger`. */
  readonly trigger: string;
  readonly queueName?: string;
  readonly schedule?: string;
  /** Full path template including the route prefix, e.g. `/api/customers/{id}`. */
  readonly route?: string;
  readonly methods?: readonly string[];
}

export interface LocalHost {
  /** e.g. `http://127.0.0.1:7071`. */
  readonly httpUrl: string;
  readonly functions: ReadonlyArray<LocalHostFunction>;
  /** Invokes one timer function (or, without a name, every timer function) now, with `isPastDue: false`. */
  runTimer(functionName?: string): Promise<void>;
  /** Resolves once every triggered queue is empty, no retry is pending and nothing is running. */
  waitForIdle(): Promise<void>;
  close(): Promise<void>;
}

const IDLE_CHECK_INTERVAL_MS = 50;
const SUPPORTED_OUTPUTS = new Set(['queue', 'http']);

/**
 * Runs the function app locally the way the Azure Functions host would, without Core Tools:
 * loads the function modules (their `app.*` registrations arrive through a local
 * `@azure/functions-core`), then drives timer, storage-queue and HTTP triggers and writes
 * queue output bindings, honouring host.json.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const log = options.log ?? writeLogLine;
  const { appSettings } = options;
  const registry = installFunctionsCore();
  const systemLog = (level: RpcLogLevel, message: string): void =>
    log(toHostLevel(level), message, { category: 'system' });
  registry.systemLog = systemLog;

  const settings = await readHostJson(options.hostJsonPath);
  const registered = await loadFunctionModules(registry, options.functionModules);
  const functions = registered.map((fn) => describeFunction(fn, settings.http.routePrefix, appSettings));
  for (const fn of registered) warnAboutUnsupportedOutputs(fn, log);

  const queueClients = new Map<string, QueueClient>();
  const getQueue = (connection: string | undefined, queueName: string): QueueClient => {
    const key = `${connection ?? ''}\n${queueName}`;
    let client = queueClients.get(key);
    if (!client) queueClients.set(key, (client = createQueueClient(connection, queueName, appSettings)));
    return client;
  };
  const createdQueues = new Set<QueueClient>();
  const listeners: QueueListener[] = [];
  const listenersByQueue = new Map<string, QueueListener[]>();

  let running = 0;
  const runFunction = async (
    fn: RegisteredFunction,
    inputData: RpcParameterBinding[],
    triggerMetadata: Record<string, RpcTypedData> | undefined,
    reason: string,
  ) => {
    running += 1;
    const started = Date.now();
    let invocationId = '';
    try {
      const response = await invokeRegisteredFunction(registry, fn, {
        inputData,
        ...(triggerMetadata ? { triggerMetadata } : {}),
        log: (level, category, message, id) => {
          invocationId = id;
          log(toHostLevel(level), message, { functionName: fn.metadata.name, invocationId: id, category });
        },
      });
      invocationId = response.invocationId;
      await writeQueueOutputs(fn, response, {
        getQueue: async (binding: CoreBinding) => {
          const queue = getQueue(stringProp(binding, 'connection'), resolveQueueName(binding, appSettings));
          if (!createdQueues.has(queue)) {
            await queue.createIfNotExists();
            createdQueues.add(queue);
          }
          return queue;
        },
        onWritten: (queue) => listenersByQueue.get(queue.url)?.forEach((listener) => listener.wake()),
      });
      log('info', `Executed '${fn.metadata.name}' (Succeeded)`, {
        functionName: fn.metadata.name,
        invocationId: response.invocationId,
        reason,
        durationMs: Date.now() - started,
      });
      return response;
    } catch (error) {
      log('error', `Executed '${fn.metadata.name}' (Failed): ${ensureError(error).message}`, {
        functionName: fn.metadata.name,
        invocationId,
        reason,
        durationMs: Date.now() - started,
      });
      throw error;
    } finally {
      running -= 1;
    }
  };

  const byTrigger = (type: string): RegisteredFunction[] =>
    registered.filter((fn) => triggerOf(fn)[1].type.toLowerCase() === type.toLowerCase());

  // Queue triggers
  for (const fn of byTrigger('queueTrigger')) {
    const [bindingName, binding] = triggerOf(fn);
    const queueName = resolveQueueName(binding, appSettings);
    const connection = stringProp(binding, 'connection');
    const queue = getQueue(connection, queueName);
    const listener = await startQueueListener({
      functionName: fn.metadata.name,
      queue,
      poisonQueue: getQueue(connection, `${queueName}-poison`),
      settings: settings.queues,
      log,
      invoke: async (message, body) => {
        await runFunction(
          fn,
          [{ name: bindingName, data: { string: body } }],
          queueTriggerMetadata(message, body),
          'queue',
        );
      },
    });
    listeners.push(listener);
    listenersByQueue.set(queue.url, [...(listenersByQueue.get(queue.url) ?? []), listener]);
  }

  // Timer triggers
  const timerFunctions = byTrigger('timerTrigger');
  const lastRuns = new Map<string, Date>();
  const runTimerFunction = async (fn: RegisteredFunction, cron: Cron | undefined): Promise<void> => {
    const [bindingName, binding] = triggerOf(fn);
    const now = new Date();
    const last = lastRuns.get(fn.metadata.name);
    lastRuns.set(fn.metadata.name, now);
    const next = (cron ?? new Cron(resolveSchedule(binding, appSettings), cronOptions(true))).nextRun();
    const timerInfo = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: last
        ? { Last: last.toISOString(), Next: next?.toISOString(), LastUpdated: now.toISOString() }
        : null,
      IsPastDue: false,
    };
    await runFunction(fn, [{ name: bindingName, data: { json: JSON.stringify(timerInfo) } }], undefined, 'timer');
  };
  const crons = new Map<string, Cron>();
  if (options.startTimers ?? true) {
    for (const fn of timerFunctions) {
      const [, binding] = triggerOf(fn);
      const cron: Cron = new Cron(resolveSchedule(binding, appSettings), cronOptions(false), () =>
        runTimerFunction(fn, cron).catch(() => undefined),
      );
      crons.set(fn.metadata.name, cron);
      if (binding['runOnStartup'] === true) void runTimerFunction(fn, cron).catch(() => undefined);
    }
  }

  // HTTP triggers
  const httpRoutes: HttpRoute[] = byTrigger('httpTrigger').map((fn) => {
    const [, binding] = triggerOf(fn);
    const route = resolveBindingExpression(stringProp(binding, 'route') ?? fn.metadata.name, appSettings);
    return {
      functionName: fn.metadata.name,
      route: compileRoute(settings.http.routePrefix, route),
      methods: methodsOf(binding),
    };
  });
  const server = await startHttpServer({
    port: options.httpPort ?? 7071,
    routes: httpRoutes,
    log,
    ...(options.operatorPrincipal ? { clientPrincipal: encodeClientPrincipal(options.operatorPrincipal) } : {}),
    invoke: async (functionName, request) => {
      const fn = registered.find((candidate) => candidate.metadata.name === functionName);
      if (!fn)
        throw new AppError({ kind: 'internal', code: 'UnknownFunction', message: `No function ${functionName}` });
      const [bindingName] = triggerOf(fn);
      const response = await runFunction(fn, [{ name: bindingName, data: { http: request } }], undefined, 'http');
      return httpResponseOf(fn, response.outputData ?? [], response.returnValue);
    },
  });

  await runAppHook(registry.hooks.get('appStart'));
  log('info', `Local host started with ${functions.length} function(s)`, {
    functions: functions.map((fn) => `${fn.name} (${fn.trigger})`),
    httpUrl: server.url,
  });

  let closed = false;
  return {
    httpUrl: server.url,
    functions,
    async runTimer(functionName?: string): Promise<void> {
      const selected = functionName ? timerFunctions.filter((fn) => fn.metadata.name === functionName) : timerFunctions;
      if (selected.length === 0) {
        throw new AppError({
          kind: 'notFound',
          code: 'TimerFunctionNotFound',
          message: functionName ? `No timer function named "${functionName}"` : 'No timer functions are registered',
        });
      }
      for (const fn of selected) await runTimerFunction(fn, crons.get(fn.metadata.name));
    },
    async waitForIdle(): Promise<void> {
      // Skip the pollers' back-off once; after that they keep polling on their own.
      listeners.forEach((listener) => listener.wake());
      for (;;) {
        if (running === 0) {
          const idle = await Promise.all(listeners.map((listener) => listener.isIdle()));
          if (idle.every(Boolean) && running === 0) return;
        }
        await new Promise((resolve) => setTimeout(resolve, IDLE_CHECK_INTERVAL_MS));
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      crons.forEach((cron) => cron.stop());
      await Promise.all(listeners.map((listener) => listener.close()));
      await server.close();
      await runAppHook(registry.hooks.get('appTerminate'));
      if (registry.systemLog === systemLog) registry.systemLog = () => undefined;
    },
  };
}

function triggerOf(fn: RegisteredFunction): [string, CoreBinding] {
  const found = Object.entries(fn.metadata.bindings).find(([, binding]) => /trigger$/i.test(binding.type));
  if (!found) {
    throw new AppError({ kind: 'internal', code: 'NoTrigger', message: `Function ${fn.metadata.name} has no trigger` });
  }
  return found;
}

function describeFunction(
  fn: RegisteredFunction,
  routePrefix: string,
  appSettings: Readonly<Record<string, string>>,
): LocalHostFunction {
  const [, binding] = triggerOf(fn);
  const base = { name: fn.metadata.name, trigger: binding.type };
  switch (binding.type.toLowerCase()) {
    case 'queuetrigger':
      return { ...base, queueName: resolveQueueName(binding, appSettings) };
    case 'timertrigger':
      return { ...base, schedule: resolveSchedule(binding, appSettings) };
    case 'httptrigger': {
      const route = resolveBindingExpression(stringProp(binding, 'route') ?? fn.metadata.name, appSettings);
      return { ...base, route: compileRoute(routePrefix, route).template, methods: methodsOf(binding) };
    }
    default:
      throw new AppError({
        kind: 'validation',
        code: 'UnsupportedTrigger',
        message: `Function ${fn.metadata.name} uses ${binding.type}, which the local host does not run`,
      });
  }
}

function warnAboutUnsupportedOutputs(fn: RegisteredFunction, log: HostLog): void {
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (binding.direction !== 'in' && !SUPPORTED_OUTPUTS.has(binding.type.toLowerCase())) {
      log('warn', `Output binding "${name}" (${binding.type}) of ${fn.metadata.name} is ignored by the local host`);
    }
  }
}

function resolveQueueName(binding: CoreBinding, appSettings: Readonly<Record<string, string>>): string {
  return resolveBindingExpression(requireStringProp(binding, 'queueName'), appSettings).toLowerCase();
}

function resolveSchedule(binding: CoreBinding, appSettings: Readonly<Record<string, string>>): string {
  return resolveBindingExpression(requireStringProp(binding, 'schedule'), appSettings);
}

/** NCRONTAB has six fields with seconds first; Azure evaluates it in UTC unless told otherwise. */
function cronOptions(paused: boolean): CronOptions {
  return { mode: '6-part', timezone: 'UTC', protect: true, paused };
}

function methodsOf(binding: CoreBinding): string[] {
  const methods = binding['methods'];
  return Array.isArray(methods) && methods.length > 0
    ? methods.map((method) => String(method).toUpperCase())
    : ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
}

function stringProp(binding: CoreBinding, name: string): string | undefined {
  const value = binding[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function requireStringProp(binding: CoreBinding, name: string): string {
  const value = stringProp(binding, name);
  if (value === undefined) {
    throw new AppError({
      kind: 'validation',
      code: 'InvalidBinding',
      message: `Binding ${binding.type} needs "${name}"`,
    });
  }
  return value;
}

function queueTriggerMetadata(
  message: {
    messageId: string;
    popReceipt: string;
    dequeueCount: number;
    insertedOn: Date;
    expiresOn: Date;
    nextVisibleOn: Date;
  },
  body: string,
): Record<string, RpcTypedData> {
  const json = (value: unknown): RpcTypedData => ({ json: JSON.stringify(value) });
  return {
    QueueTrigger: { string: body },
    DequeueCount: json(message.dequeueCount),
    Id: json(message.messageId),
    PopReceipt: json(message.popReceipt),
    InsertionTime: json(message.insertedOn.toISOString()),
    ExpirationTime: json(message.expiresOn.toISOString()),
    NextVisibleTime: json(message.nextVisibleOn.toISOString()),
  };
}

function httpResponseOf(
  fn: RegisteredFunction,
  outputData: RpcParameterBinding[],
  returnValue: RpcTypedData | null | undefined,
): RpcHttpData | undefined {
  if (fn.metadata.bindings['$return']?.type.toLowerCase() === 'http') return returnValue?.http ?? undefined;
  const output = outputData.find((data) => fn.metadata.bindings[data.name]?.type.toLowerCase() === 'http');
  return output?.data?.http ?? undefined;
}

async function runAppHook(
  callbacks: Iterable<(context: Record<string, unknown>) => unknown> | undefined,
): Promise<void> {
  for (const callback of callbacks ?? []) await callback({ hookData: {} });
}

function toHostLevel(level: RpcLogLevel): HostLogLevel {
  switch (level) {
    case 'trace':
    case 'debug':
      return 'debug';
    case 'warning':
      return 'warn';
    case 'error':
    case 'critical':
      return 'error';
    default:
      return 'info';
  }
}

/** Default logger: one line per event on stdout, for `npm start` without a custom logger. */
function writeLogLine(level: HostLogLevel, message: string, props?: Record<string, unknown>): void {
  const extra = props && Object.keys(props).length > 0 ? ` ${JSON.stringify(props)}` : '';
  process.stdout.write(`${new Date().toISOString()} ${level.toUpperCase()} ${message}${extra}\n`);
}
