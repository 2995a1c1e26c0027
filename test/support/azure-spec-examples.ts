import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SPECS_UNDER_SHARED = join('shared', 'fixtures', 'azure-rest-api-specs', 'specification');

/**
 * Azure's API specs with their verbatim examples: ../shared beside the repository, as CI places it. Found by
 * walking up from the repository, so a git worktree nested deeper (e.g. ../wt/<branch>) finds the same copy;
 * never an absolute path of one machine.
 */
export const AZURE_SPECS = findAzureSpecs();

/** A JSON file under the specs' `specification/` folder, parsed. */
export function readAzureSpec<T>(relativePath: string): T {
  return JSON.parse(readFileSync(join(AZURE_SPECS, relativePath), 'utf8')) as T;
}

function findAzureSpecs(): string {
  for (let dir = join(__dirname, '..', '..'); ; dir = dirname(dir)) {
    const candidate = join(dir, '..', SPECS_UNDER_SHARED);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) {
      throw new Error(`Azure's API spec examples not found: expected ../${SPECS_UNDER_SHARED} beside the repository`);
    }
  }
}
