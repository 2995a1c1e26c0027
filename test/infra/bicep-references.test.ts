import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findUnreferencedParams } from './find-unreferenced-params';
import { listBicepDeclarations } from './list-bicep-declarations';

const INFRA = join(__dirname, '../../infra');
const MAIN = join(INFRA, 'main.bicep');

const bicepFiles = readdirSync(INFRA, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.bicep'))
  .map((f) => join(INFRA, f));
const read = (file: string): string => readFileSync(file, 'utf8');

describe('Bicep references', () => {
  it('finds the main template and its modules', () => {
    expect(bicepFiles).toContain(MAIN);
    expect(bicepFiles.length).toBeGreaterThan(5);
  });

  it('points every module declaration at a file that exists', () => {
    const missing = bicepFiles.flatMap((file) =>
      listBicepDeclarations(read(file))
        .modules.map((m) => join(dirname(file), m.path))
        .filter((target) => !existsSync(target))
        .map((target) => relative(INFRA, target)),
    );
    expect(missing).toEqual([]);
  });

  it('passes each module only params it declares, and every param it needs', () => {
    for (const file of bicepFiles) {
      for (const module of listBicepDeclarations(read(file)).modules) {
        const target = listBicepDeclarations(read(join(dirname(file), module.path))).params;
        const declared = new Set(target.map((p) => p.name));
        const needed = target.filter((p) => !p.hasDefault).map((p) => p.name);
        const where = `${relative(INFRA, file)} → module ${module.name}`;
        expect({ where, unknown: module.paramKeys.filter((k) => !declared.has(k)) }).toEqual({ where, unknown: [] });
        expect({ where, missing: needed.filter((n) => !module.paramKeys.includes(n)) }).toEqual({ where, missing: [] });
      }
    }
  });

  it('uses every param it declares, in main.bicep and in each module', () => {
    const unused = bicepFiles.flatMap((file) =>
      findUnreferencedParams(read(file)).map((name) => `${relative(INFRA, file)}: ${name}`),
    );
    expect(unused).toEqual([]);
  });

  it('declares in main.bicep every parameter main.parameters.json sets, and sets every one without a default', () => {
    const file = JSON.parse(read(join(INFRA, 'main.parameters.json'))) as { parameters: Record<string, unknown> };
    const params = listBicepDeclarations(read(MAIN)).params;
    const declared = new Set(params.map((p) => p.name));
    const provided = Object.keys(file.parameters);
    expect(provided.filter((name) => !declared.has(name))).toEqual([]);
    expect(params.filter((p) => !p.hasDefault && !provided.includes(p.name)).map((p) => p.name)).toEqual([]);
  });
});
