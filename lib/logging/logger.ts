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
 * Adapts an InvocationContext. The Node worker joins log arguments with `util.format` into one
 * string, so an object argument would arrive in Application Insights as inspect() text. A log line
 * with properties is therefore one JSON object (`{"message": ..., "customerId": ..., "code": ...}`)
 * that KQL reads with `parse_json(message)`.
 */
export function contextLogger(context: ContextLike): Logger {
  const emit = (level: 'info' | 'warn' | 'error') => (message: string, properties?: LogProperties) =>
    context[level](properties ? formatStructured(message, properties) : message);
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** `{"message": "...", ...properties}` with undefined properties left out. */
function formatStructured(message: string, properties: LogProperties): string {
  return JSON.stringify({ message, ...definedOnly(properties) });
}

function definedOnly(properties: LogProperties): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(properties)) if (value !== undefined) out[key] = value;
  return out;
}
