import type { IncomingMessage } from 'node:http';

/** Bodies the sandbox accepts are small (forms, secret values); more is a client bug. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole request body as UTF-8 text. */
export async function readRequestBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
