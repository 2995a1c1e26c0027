import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors/app-error';
import type {
  CoreInvocationContext,
  HookName,
  InvocationResponse,
  RpcLogLevel,
  RpcParameterBinding,
  RpcTypedData,
} from './functions-core-types';
import type { FunctionsCoreRegistry, RegisteredFunction } from './install-functions-core';

export interface InvocationRequest {
  readonly inputData: RpcParameterBinding[];
  readonly triggerMetadata?: Record<string, RpcTypedData>;
  readonly invocationId?: string;
  /** Receives `context.log/info/warn/error` of the handler and the library's own messages. */
  readonly log: (level: RpcLogLevel, category: 'user' | 'system', message: string, invocationId: string) => void;
}

/**
 * Runs one invocation the way the Node.js worker does: the registered programming model turns
 * RPC input into handler arguments, hooks run around the handler, and the model turns the result
 * and `context.extraOutputs` into RPC output data. A handler's error is rethrown.
 */
export async function invokeRegisteredFunction(
  registry: FunctionsCoreRegistry,
  fn: RegisteredFunction,
  request: InvocationRequest,
): Promise<InvocationResponse> {
  const model = registry.programmingModel;
  if (!model) {
    throw new AppError({
      kind: 'internal',
      code: 'NoProgrammingModel',
      message: 'No programming model was registered',
    });
  }
  const invocationId = request.invocationId ?? randomUUID();
  const coreContext: CoreInvocationContext = {
    invocationId,
    request: {
      invocationId,
      functionId: fn.metadata.name,
      inputData: request.inputData,
      triggerMetadata: request.triggerMetadata ?? {},
    },
    metadata: fn.metadata,
    state: 'invocation',
    log: (level, category, message) => {
      request.log(level, category, message, invocationId);
      void runHooks(registry, 'log', { level, category, message, hookData: {} });
    },
  };
  const invocation = model.getInvocationModel(coreContext);
  const { context, inputs } = await invocation.getArguments();
  const hookData: Record<string, unknown> = {};

  coreContext.state = 'preInvocationHooks';
  const pre: Record<string, unknown> = { hookData, invocationContext: context, inputs, functionCallback: fn.handler };
  await runHooks(registry, 'preInvocation', pre);

  coreContext.state = 'invocation';
  let result: unknown;
  let error: unknown;
  try {
    result = await invocation.invokeFunction(
      context,
      pre['inputs'] as unknown[],
      pre['functionCallback'] as typeof fn.handler,
    );
  } catch (thrown) {
    error = thrown;
  }

  coreContext.state = 'postInvocationHooks';
  const post: Record<string, unknown> = { hookData, invocationContext: context, inputs: pre['inputs'], result, error };
  await runHooks(registry, 'postInvocation', post);
  if (post['error'] !== undefined) throw post['error'];
  return invocation.getResponse(context, post['result']);
}

async function runHooks(
  registry: FunctionsCoreRegistry,
  name: HookName,
  context: Record<string, unknown>,
): Promise<void> {
  for (const callback of registry.hooks.get(name) ?? []) {
    await callback(context);
  }
}
