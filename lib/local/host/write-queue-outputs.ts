import type { QueueClient } from '@azure/storage-queue';
import type { CoreBinding, InvocationResponse, RpcTypedData } from './functions-core-types';
import type { RegisteredFunction } from './install-functions-core';

export interface QueueOutputTarget {
  /** A client for the binding's queue (resolved connection and `%setting%` queue name). */
  getQueue(binding: CoreBinding): Promise<QueueClient>;
  /** Told after each write, so a listener in this host can pick the message up at once. */
  onWritten(queue: QueueClient): void;
}

/**
 * Writes the `queue` output bindings of a finished invocation like the host: one message per
 * value, or per element when the value is an array, base64-encoded (the host's default
 * `messageEncoding`). Returns how many messages were written.
 */
export async function writeQueueOutputs(
  fn: RegisteredFunction,
  response: InvocationResponse,
  target: QueueOutputTarget,
): Promise<number> {
  const values: Array<{ binding: CoreBinding; data: RpcTypedData }> = [];
  for (const output of response.outputData ?? []) {
    const binding = fn.metadata.bindings[output.name];
    if (binding?.type.toLowerCase() === 'queue' && output.data) values.push({ binding, data: output.data });
  }
  const returnBinding = fn.metadata.bindings['$return'];
  if (returnBinding?.type.toLowerCase() === 'queue' && response.returnValue) {
    values.push({ binding: returnBinding, data: response.returnValue });
  }

  let written = 0;
  for (const { binding, data } of values) {
    const messages = toQueueMessages(data);
    if (messages.length === 0) continue;
    const queue = await target.getQueue(binding);
    for (const message of messages) {
      await queue.sendMessage(message.toString('base64'));
      written += 1;
    }
    target.onWritten(queue);
  }
  return written;
}

/** Splits one output value into message bodies (bytes before base64). */
export function toQueueMessages(data: RpcTypedData): Buffer[] {
  if (data.string !== undefined) return [Buffer.from(data.string, 'utf8')];
  if (data.bytes !== undefined) return [Buffer.from(data.bytes)];
  if (data.int !== undefined) return [Buffer.from(String(data.int))];
  if (data.double !== undefined) return [Buffer.from(String(data.double))];
  if (data.json !== undefined) {
    const value: unknown = JSON.parse(data.json);
    const items = Array.isArray(value) ? value : [value];
    return items
      .filter((item) => item !== null && item !== undefined)
      .map((item) => Buffer.from(typeof item === 'string' ? item : JSON.stringify(item), 'utf8'));
  }
  return [];
}
