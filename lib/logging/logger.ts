/** Structured properties: end up as custom dimensions in Application Insights. */
export type LogProperties = Readonly<Record<string, string | number | boolean | undefined>>;

/** The one logging port of the product; the function layer adapts the invocation context to it. */
export interface Logger {
  info(message: string, properties?: LogProperties): void;
  warn(message: string, properties?: LogProperties): void;
  error(message: string, properties?: LogProperties): void;
}

/** Anything with the InvocationContext logging methods. */
interface ContextLike {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * Adapts an InvocationContext: the message first (readable in the portal's log stream), then the
 * properties as one object, which the Functions host forwards as structured custom dimensions.
 */
export function contextLogger(context: ContextLike): Logger {
  const emit = (level: 'info' | 'warn' | 'error') => (message: string, properties?: LogProperties) =>
    properties ? context[level](message, definedOnly(properties)) : context[level](message);
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function definedOnly(properties: LogProperties): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(properties)) if (value !== undefined) out[key] = value;
  return out;
}
