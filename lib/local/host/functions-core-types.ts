/**
 * The slice of the Functions worker contract (`@azure/functions-core`) that the
 * `@azure/functions` v4 library uses. Shapes follow the worker's RPC messages, so the library
 * converts inputs and outputs exactly as it does inside Azure.
 */

/** One binding of a function as the host sees it, e.g. `{ type: 'queueTrigger', direction: 'in', queueName, connection }`. */
export interface CoreBinding {
  readonly type: string;
  readonly direction: 'in' | 'out' | 'inout';
  readonly [property: string]: unknown;
}

export interface CoreFunctionMetadata {
  readonly name: string;
  readonly bindings: Readonly<Record<string, CoreBinding>>;
  readonly retryOptions?: unknown;
}

export type CoreFunctionCallback = (...args: unknown[]) => unknown;

/** RPC TypedData: exactly one member is set. */
export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  int?: number;
  double?: number;
  http?: RpcHttpData;
}

export interface RpcHttpData {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  query?: Record<string, string>;
  statusCode?: string;
  body?: RpcTypedData;
}

export interface RpcParameterBinding {
  readonly name: string;
  readonly data?: RpcTypedData | null;
}

/** RPC log levels used by the library (`context.warn` → `warning`, …). */
export type RpcLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';

/** What the worker hands to `ProgrammingModel.getInvocationModel`. */
export interface CoreInvocationContext {
  readonly invocationId: string;
  readonly request: {
    readonly invocationId: string;
    readonly functionId: string;
    readonly inputData: RpcParameterBinding[];
    readonly triggerMetadata: Record<string, RpcTypedData>;
  };
  readonly metadata: CoreFunctionMetadata;
  state: 'preInvocationHooks' | 'invocation' | 'postInvocationHooks';
  log(level: RpcLogLevel, category: 'user' | 'system', message: string): void;
}

export interface InvocationResponse {
  readonly invocationId: string;
  readonly outputData?: RpcParameterBinding[];
  readonly returnValue?: RpcTypedData | null;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: CoreFunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<InvocationResponse>;
}

export interface ProgrammingModel {
  readonly name: string;
  readonly version: string;
  getInvocationModel(coreContext: CoreInvocationContext): InvocationModel;
}

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
export type HookCallback = (context: Record<string, unknown>) => unknown;
