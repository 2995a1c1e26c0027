import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const bicep = readFileSync(join(root, 'infra/modules/function-app.bicep'), 'utf8');
const benchScript = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { bench: string } })
  .scripts.bench;

describe('the product’s V8 heap limit', () => {
  it('is what Bicep gives the worker on the default instance, so the bench measures the product as deployed', () => {
    const instanceMemoryMb = Number(/param instanceMemoryMB int = (\d+)/.exec(bicep)?.[1]);
    const formula = /var nodeHeapLimitMB = max\((\d+), instanceMemoryMB \/ (\d+)\)/.exec(bicep);
    expect(formula).not.toBeNull();
    const deployed = Math.max(Number(formula?.[1]), Math.floor(instanceMemoryMb / Number(formula?.[2])));
    expect(bicep).toMatch(/^ {2}NODE_OPTIONS: '--max-old-space-size=\$\{nodeHeapLimitMB\}'$/m);
    expect(benchScript).toContain(`--max-old-space-size=${deployed} `);
    expect(deployed).toBe(512);
  });
});
