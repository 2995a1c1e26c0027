import { describe, expect, it } from 'vitest';
import { buildResourceGraphQuery } from '../../lib/discovery/build-resource-graph-query';
import { parseResourceGraphQuery } from '../../lib/local/sandbox/parse-resource-graph-query';

describe('buildResourceGraphQuery', () => {
  it('lists the types lower-cased and de-duplicated, projected and ordered by id for stable paging', () => {
    expect(
      buildResourceGraphQuery([
        'Microsoft.Compute/virtualMachines',
        'microsoft.compute/virtualmachines',
        'Microsoft.Fabric/capacities',
      ]),
    ).toBe(
      "Resources | where type in~ ('microsoft.compute/virtualmachines', 'microsoft.fabric/capacities') | project id, name, type, location | order by id asc",
    );
  });

  it('escapes quotes so a type can never break out of the string literal', () => {
    expect(buildResourceGraphQuery(["a/b') | project secrets //"])).toContain("'a/b\\') | project secrets //'");
  });

  it('refuses an empty type list (Resource Graph would return every resource)', () => {
    expect(() => buildResourceGraphQuery([])).toThrow(RangeError);
  });

  it('produces a query the sandbox parses back into the same types and columns', () => {
    expect(parseResourceGraphQuery(buildResourceGraphQuery(['Microsoft.Sql/servers/databases']))).toEqual({
      types: ['microsoft.sql/servers/databases'],
      columns: ['id', 'name', 'type', 'location'],
      order: 'asc',
    });
  });
});
