import { describe, expect, it } from 'vitest';
import { formatSeriesCsv } from '../../lib/query/format-series-csv';

describe('formatSeriesCsv', () => {
  it('writes a header and one CRLF row per point, blank cells for missing aggregations', () => {
    const csv = formatSeriesCsv('contoso', [
      {
        resourceId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
        metric: 'Percentage CPU',
        unit: 'Percent',
        interval: 'PT5M',
        points: [{ timestamp: '2026-11-22T09:00:00Z', average: 12.5, maximum: 40 }],
      },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'customerId,resourceId,resourceName,metric,unit,interval,timestamp,minimum,average,maximum,total,count,dimensions,provisional',
      'contoso,/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1,vm1,Percentage CPU,Percent,PT5M,2026-11-22T09:00:00Z,,12.5,40,,,,',
      '',
    ]);
  });

  it('quotes commas and quotes, and defuses spreadsheet formulas in names from customer tenants', () => {
    const csv = formatSeriesCsv('c', [
      { resourceId: '/r/a', metric: '=HYPERLINK("x"),1', points: [{ timestamp: '2026-11-22T09:00:00Z' }] },
    ]);
    expect(csv.split('\r\n')[1]).toBe(`c,/r/a,a,"'=HYPERLINK(""x""),1",,,2026-11-22T09:00:00Z,,,,,,,`);
  });

  it('names a split series by its dimension values and flags a bucket that may still change', () => {
    const csv = formatSeriesCsv('c', [
      {
        resourceId: '/r/st1',
        metric: 'BlobCount',
        dimensions: { Tier: 'Hot', ApiName: 'GetBlob' },
        interval: 'PT1H',
        points: [{ timestamp: '2026-11-22T09:00:00Z', average: 7, provisional: true }],
      },
    ]);
    expect(csv.split('\r\n')[1]).toBe(
      'c,/r/st1,st1,BlobCount,,PT1H,2026-11-22T09:00:00Z,,7,,,,Tier=Hot;ApiName=GetBlob,true',
    );
  });
});
