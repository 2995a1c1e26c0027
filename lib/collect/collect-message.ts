import { z } from 'zod';
import { AppError } from '../errors/app-error';
import { validationError } from '../errors/validation-error';
import { customerIdSchema } from '../customers/customer';

const isoInstant = z.iso.datetime({ offset: false });

/**
 * One unit of work for the worker: collect one customer for one window. The window travels in the
 * message so that a retry (at-least-once delivery) collects exactly the same window.
 */
export const collectMessageSchema = z
  .object({
    version: z.literal(1),
    runId: z.string().regex(/^[A-Za-z0-9-]{1,80}$/, 'must be 1-80 letters, digits or hyphens'),
    customerId: customerIdSchema,
    windowStart: isoInstant,
    windowEnd: isoInstant,
    /**
     * Why the run exists: the timer, an operator asking for it, or gap healing re-collecting a missed window;
     * `settle`: the delayed follow-up read of a run that stored provisional points (lib/settle), under that run's id.
     */
    trigger: z.enum(['schedule', 'manual', 'backfill', 'settle']).default('schedule'),
  })
  .refine((m) => Date.parse(m.windowStart) < Date.parse(m.windowEnd), {
    message: 'windowStart must be before windowEnd',
    path: ['windowStart'],
  })
  .refine((m) => Date.parse(m.windowEnd) - Date.parse(m.windowStart) <= 31 * 24 * 3600_000, {
    message: 'a window spans at most 31 days',
    path: ['windowEnd'],
  });

export type CollectMessage = z.infer<typeof collectMessageSchema>;

/**
 * Validates a dequeued message (the trigger hands us parsed JSON, or a string when it is not JSON).
 * Throws a non-retryable validation AppError that names every problem.
 */
export function parseCollectMessage(input: unknown): CollectMessage {
  let candidate = input;
  if (typeof input === 'string') {
    try {
      candidate = JSON.parse(input);
    } catch {
      throw new AppError({ kind: 'validation', code: 'InvalidQueueMessage', message: 'Queue message is not JSON' });
    }
  }
  const result = collectMessageSchema.safeParse(candidate);
  if (!result.success) throw validationError('InvalidQueueMessage', 'Queue message', result.error);
  return result.data;
}
