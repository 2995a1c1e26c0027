import { describe, expect, it } from 'vitest';
import { toQueueMessages } from '../../../lib/local/host/write-queue-outputs';

const texts = (buffers: Buffer[]): string[] => buffers.map((b) => b.toString('utf8'));

describe('toQueueMessages', () => {
  it('writes one message per array element, like the host', () => {
    expect(texts(toQueueMessages({ json: JSON.stringify([{ a: 1 }, 'plain', 3]) }))).toEqual(['{"a":1}', 'plain', '3']);
  });

  it('writes a single object or string as one message', () => {
    expect(texts(toQueueMessages({ json: '{"a":1}' }))).toEqual(['{"a":1}']);
    expect(texts(toQueueMessages({ string: 'hello' }))).toEqual(['hello']);
  });

  it('writes nothing for an empty array', () => {
    expect(toQueueMessages({ json: '[]' })).toEqual([]);
  });
});
