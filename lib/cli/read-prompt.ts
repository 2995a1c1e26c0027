import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Asks one question on the terminal. With `secret`, typed characters are not echoed (the answer
 * never reaches the screen, the shell history or a log) — for client secrets pasted during onboarding.
 */
export function readPrompt(question: string, options: { readonly secret?: boolean } = {}): Promise<string> {
  let muted = false;
  // Echo goes through this stream: muted after the question so a secret is never shown.
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY === true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      if (options.secret) process.stderr.write('\n');
      resolve(answer.trim());
    });
    muted = options.secret === true;
  });
}
