import { describe, expect, it } from 'vitest';
import { CAPACITY_METRICS_SHAPES, MEASURE_ALIASES } from '../../lib/fabric/capacity-metrics-shapes';
import { evaluateDax } from '../../lib/local/sandbox/power-bi/evaluate-dax';

const CAPACITY = '0f084df7-c13d-451b-af5f-ed0c466403b2';
const DAY = new Date('2026-11-30T00:00:00Z');
const NOW = new Date('2026-12-02T00:00:00Z');

/**
 * Contract of each known shape, pinned to the names FUAM uses against the real app (microsoft/fabric-toolbox
 * 01_Transfer_CapacityMetricData_Timepoints_Unit notebook): if a name here changes, it must change there first.
 */
const PINNED = {
  v53: {
    capacityColumn: "'Capacities'[Capacity Id]",
    day: "'Dates'[Date]",
    parameter: "'CapacitiesList'",
    cu: 'Interactive billable CU %',
    delay: 'Dynamic interactive delay %',
  },
  v47: {
    capacityColumn: 'Capacities[capacity Id]',
    day: "'TimePoints'[Date]",
    parameter: "'CapacitiesList'",
    cu: 'Interactive billable CU %',
    delay: 'Dynamic interactive delay %',
  },
  v40: {
    capacityColumn: 'Capacities[capacity Id]',
    day: "'TimePoints'[Date]",
    parameter: "'CapacityID'",
    cu: 'Interactive billable CU %',
    delay: 'Dynamic interactive delay %',
  },
  v37: {
    capacityColumn: 'Capacities[capacityId]',
    day: "'TimePoints'[Date]",
    parameter: "'CapacityID'",
    cu: 'xInteractive %',
    delay: 'Dynamic InteractiveDelay %',
  },
} as const;

describe('the known Capacity Metrics model shapes', () => {
  it('are tried newest first', () => {
    expect(CAPACITY_METRICS_SHAPES.map((s) => s.id)).toEqual(['v53', 'v47', 'v40', 'v37']);
  });

  it.each(CAPACITY_METRICS_SHAPES.map((s) => [s.id, s] as const))(
    '%s reads one capacity and day with the pinned names',
    (id, shape) => {
      const pinned = PINNED[id];
      const query = shape.timepointsQuery(CAPACITY, DAY);
      expect(query).toContain(`MPARAMETER ${pinned.parameter}`);
      expect(query).toContain(pinned.capacityColumn);
      expect(query).toContain(`${pinned.day}`);
      expect(query).toContain('DATE(2026, 11, 30)');
      expect(query).toContain(`"I_P", 'All Measures'[${pinned.cu}]`);
      expect(query).toContain(`"I_Del_P", 'All Measures'[${pinned.delay}]`);
      for (const alias of Object.values(MEASURE_ALIASES)) expect(query).toContain(`"${alias}"`);
    },
  );

  it.each(CAPACITY_METRICS_SHAPES.map((s) => [s.id, s] as const))(
    '%s: the probe and the queries fit the model of that version and the probe fits no older one it must not',
    (id, shape) => {
      const model = { id: CAPACITY, cuLimit: 64, profile: 'steady' as const };
      expect(evaluateDax(shape.probe, id, [model], NOW).ok).toBe(true);
      expect(evaluateDax(shape.capacitiesQuery, id, [model], NOW)).toMatchObject({
        ok: true,
        rows: [{ '[Capacity Id]': CAPACITY.toUpperCase() }],
      });
      const day = evaluateDax(shape.timepointsQuery(CAPACITY, DAY), id, [model], NOW);
      expect(day.ok && day.rows.length).toBe(2880);
      // Detection order relies on each probe failing on the older shapes after it.
      const older = CAPACITY_METRICS_SHAPES.slice(CAPACITY_METRICS_SHAPES.indexOf(shape) + 1);
      for (const other of older) expect(evaluateDax(shape.probe, other.id, [model], NOW).ok).toBe(false);
    },
  );

  it('refuses ids that are not GUIDs, so nothing but a GUID reaches a query', () => {
    for (const shape of CAPACITY_METRICS_SHAPES)
      expect(() => shape.timepointsQuery('x" ) EVALUATE Secrets //', DAY)).toThrow(RangeError);
  });
});
