import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AppError } from '../../errors/app-error';

/** The host.json settings the local host honours, with the Functions host's defaults. */
export interface HostSettings {
  readonly queues: {
    readonly batchSize: number;
    readonly newBatchThreshold: number;
    readonly maxDequeueCount: number;
    readonly visibilityTimeoutMs: number;
    readonly maxPollingIntervalMs: number;
  };
  readonly http: { readonly routePrefix: string };
}

/** Azure caps a queue receive at 32 messages. */
const MAX_QUEUE_BATCH_SIZE = 32;

const hostJsonSchema = z.object({
  extensions: z
    .object({
      queues: z
        .object({
          batchSize: z.number().int().min(1).max(MAX_QUEUE_BATCH_SIZE).optional(),
          newBatchThreshold: z.number().int().min(0).optional(),
          maxDequeueCount: z.number().int().min(1).optional(),
          visibilityTimeout: z.string().optional(),
          maxPollingInterval: z.string().optional(),
        })
        .optional(),
      http: z.object({ routePrefix: z.string().optional() }).optional(),
    })
    .optional(),
});

/** Reads host.json; missing values get the defaults documented for the Functions host. */
export async function readHostJson(hostJsonPath: string): Promise<HostSettings> {
  const parsed = hostJsonSchema.safeParse(JSON.parse(await readFile(hostJsonPath, 'utf8')));
  if (!parsed.success) {
    throw new AppError({
      kind: 'validation',
      code: 'InvalidHostJson',
      message: `${hostJsonPath}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    });
  }
  const queues = parsed.data.extensions?.queues ?? {};
  const batchSize = queues.batchSize ?? 16;
  return {
    queues: {
      batchSize,
      newBatchThreshold: queues.newBatchThreshold ?? Math.floor(batchSize / 2),
      maxDequeueCount: queues.maxDequeueCount ?? 5,
      visibilityTimeoutMs: parseTimeSpan(queues.visibilityTimeout ?? '00:00:00', 'visibilityTimeout'),
      maxPollingIntervalMs: parseTimeSpan(queues.maxPollingInterval ?? '00:01:00', 'maxPollingInterval'),
    },
    http: { routePrefix: (parsed.data.extensions?.http?.routePrefix ?? 'api').replace(/^\/+|\/+$/g, '') },
  };
}

/** Parses a .NET TimeSpan as host.json writes it: `[d.]hh:mm:ss[.fff]`. */
export function parseTimeSpan(value: string, settingName: string): number {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/.exec(value.trim());
  if (!match) {
    throw new AppError({
      kind: 'validation',
      code: 'InvalidHostJson',
      message: `host.json ${settingName} must be a TimeSpan like "00:00:30" (got "${value}")`,
    });
  }
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match;
  const fractionMs = fraction ? Number(`0.${fraction}`) * 1000 : 0;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000 + fractionMs;
}
