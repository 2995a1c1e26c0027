/**
 * The known shapes of the Microsoft Fabric Capacity Metrics app's semantic model, one per group of app
 * versions, each with the probe that recognises it and the DAX that reads one capacity's 30-second
 * timepoints for one day.
 *
 * Every table, column and measure name below is taken from FUAM (microsoft/fabric-toolbox, commit
 * 050ceef5, monitoring/fabric-unified-admin-monitoring/src/01_Transfer_CapacityMetricData_Timepoints_Unit.Notebook/
 * notebook-content.ipynb): its version probes (cells "Check Table Status"), its capacity list per version
 * and its `dax_query_v53/v47/v44/v40/v37` timepoint queries. FUAM's How_to_deploy_FUAM.md lists the
 * compatible app versions ("v65, v53, v47, v44 or earlier"). Microsoft does not promise this schema:
 * a model that matches none of these fails with CapacityMetricsModelUnknown (see detectModelShape).
 */

/** What a timepoint row yields, keyed by our metric names (see FABRIC_METRICS). */
export type TimepointMeasure =
  | 'InteractiveCUPercent'
  | 'BackgroundCUPercent'
  | 'InteractiveDelayPercent'
  | 'InteractiveRejectionPercent'
  | 'BackgroundRejectionPercent'
  | 'CarryOverAddedPercent'
  | 'CarryOverBurndownPercent'
  | 'CarryOverCumulativePercent'
  | 'CULimit';

export interface CapacityMetricsShape {
  /** Our name for the shape: the oldest app version FUAM names for it. */
  readonly id: 'v53' | 'v47' | 'v40' | 'v37';
  /** App versions FUAM reads with this shape. */
  readonly appVersions: readonly string[];
  /** A query that succeeds only on this shape (FUAM's probe for it). */
  readonly probe: string;
  /** Lists the model's capacities: one column, the capacity id. */
  readonly capacitiesQuery: string;
  /** One capacity, one UTC day: columns `[TimePoint]` plus one per measure alias. */
  timepointsQuery(capacityId: string, day: Date): string;
  /** The model's measure behind each of our metrics, as `'All Measures'[name]`. */
  readonly measures: Readonly<Record<TimepointMeasure, string>>;
}

/** Alias of each measure in the timepoint queries' result columns (`[I_P]` ...): FUAM's own aliases. */
export const MEASURE_ALIASES: Readonly<Record<TimepointMeasure, string>> = {
  InteractiveCUPercent: 'I_P',
  BackgroundCUPercent: 'B_P',
  InteractiveDelayPercent: 'I_Del_P',
  InteractiveRejectionPercent: 'I_Rej_P',
  BackgroundRejectionPercent: 'B_Rej_P',
  CarryOverAddedPercent: 'CO_A_P',
  CarryOverBurndownPercent: 'CO_BD_P',
  CarryOverCumulativePercent: 'CO_C_P',
  CULimit: 'CU_L',
};

/** Measures from v40 on (FUAM's dax_query_v53/v47/v44/v40 use the same names). */
const MEASURES_SINCE_V40: Readonly<Record<TimepointMeasure, string>> = {
  InteractiveCUPercent: 'Interactive billable CU %',
  BackgroundCUPercent: 'Background billable CU %',
  InteractiveDelayPercent: 'Dynamic interactive delay %',
  InteractiveRejectionPercent: 'Dynamic interactive rejection %',
  BackgroundRejectionPercent: 'Dynamic background rejection %',
  CarryOverAddedPercent: 'Carry over add %',
  CarryOverBurndownPercent: 'Carry over burndown %',
  CarryOverCumulativePercent: 'Cumulative carry over %',
  CULimit: 'CU limit',
};

/** Measures of v37 and earlier (FUAM's dax_query_v37). */
const MEASURES_V37: Readonly<Record<TimepointMeasure, string>> = {
  InteractiveCUPercent: 'xInteractive %',
  BackgroundCUPercent: 'xBackground %',
  InteractiveDelayPercent: 'Dynamic InteractiveDelay %',
  InteractiveRejectionPercent: 'Dynamic InteractiveRejection %',
  BackgroundRejectionPercent: 'Dynamic BackgroundRejection %',
  CarryOverAddedPercent: 'xCarryOver_added %',
  CarryOverBurndownPercent: 'xCarryOver_burndown %',
  CarryOverCumulativePercent: 'xCarryOver_Cumulative %',
  CULimit: 'CU Limit',
};

/** Capacity ids are GUIDs; anything else never reaches a query (no DAX injection through ids). */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function columns(measures: Readonly<Record<TimepointMeasure, string>>): string {
  return (Object.keys(MEASURE_ALIASES) as TimepointMeasure[])
    .map((m) => `    "${MEASURE_ALIASES[m]}", 'All Measures'[${measures[m]}]`)
    .join(',\n');
}

function dateArgs(day: Date): string {
  return `${day.getUTCFullYear()}, ${day.getUTCMonth() + 1}, ${day.getUTCDate()}`;
}

function checkedId(capacityId: string): string {
  if (!GUID.test(capacityId)) throw new RangeError(`Not a capacity id: ${capacityId}`);
  return capacityId;
}

/**
 * FUAM's dax_query_v47/v44/v40/v37: capacity and day filtered with FILTER; they differ in the M
 * parameter that selects capacities and in the capacity id column's name.
 */
function filteredTimepointsQuery(
  parameter: string,
  capacityColumn: string,
  measures: Readonly<Record<TimepointMeasure, string>>,
): CapacityMetricsShape['timepointsQuery'] {
  return (capacityId, day) => {
    const id = checkedId(capacityId);
    return (
      `DEFINE\n  MPARAMETER ${parameter.replace('{id}', id)}\n` +
      `EVALUATE\n  SUMMARIZECOLUMNS(\n    'TimePoints'[TimePoint],\n` +
      `    FILTER(Capacities, Capacities[${capacityColumn}] = "${id}"),\n` +
      `    FILTER(TimePoints, 'TimePoints'[Date] = DATE(${dateArgs(day)})),\n${columns(measures)}\n  )`
    );
  };
}

/** Newest first: detection tries them in this order, as FUAM does. */
export const CAPACITY_METRICS_SHAPES: readonly CapacityMetricsShape[] = [
  {
    id: 'v53',
    appVersions: ['v53', 'v65'],
    probe: `EVALUATE ROW("Blocked_workspaces__Day_", 'All Measures'[Blocked workspaces (Day)])`,
    capacitiesQuery: `EVALUATE SELECTCOLUMNS(Capacities, "Capacity Id", Capacities[Capacity Id])`,
    measures: MEASURES_SINCE_V40,
    timepointsQuery(capacityId, day) {
      const id = checkedId(capacityId);
      return (
        `DEFINE\n  MPARAMETER 'CapacitiesList' = { "${id}" }\n` +
        `EVALUATE\n  SUMMARIZECOLUMNS(\n    'TimePoints'[TimePoint],\n` +
        `    TREATAS({ "${id}" }, 'Capacities'[Capacity Id]),\n` +
        `    TREATAS({ DATE(${dateArgs(day)}) }, 'Dates'[Date]),\n${columns(MEASURES_SINCE_V40)}\n  )`
      );
    },
  },
  {
    id: 'v47',
    appVersions: ['v44', 'v47'],
    probe: `DEFINE MPARAMETER 'DefaultCapacityID' = "00000000-0000-0000-0000-000000000000"\nEVALUATE SUMMARIZECOLUMNS("Background billable CU %", [Background billable CU %])`,
    capacitiesQuery: `EVALUATE SELECTCOLUMNS(Capacities, "Capacity Id", Capacities[capacity Id])`,
    measures: MEASURES_SINCE_V40,
    timepointsQuery: filteredTimepointsQuery(`'CapacitiesList' = { "{id}" }`, 'capacity Id', MEASURES_SINCE_V40),
  },
  {
    id: 'v40',
    appVersions: ['v40'],
    probe: `EVALUATE ROW("Background billable CU %", 'All Measures'[Background billable CU %])`,
    capacitiesQuery: `EVALUATE SELECTCOLUMNS(Capacities, "Capacity Id", Capacities[capacity Id])`,
    measures: MEASURES_SINCE_V40,
    timepointsQuery: filteredTimepointsQuery(`'CapacityID' = "{id}"`, 'capacity Id', MEASURES_SINCE_V40),
  },
  {
    id: 'v37',
    appVersions: ['v37'],
    probe: `EVALUATE ROW("xBackground__", 'All Measures'[xBackground %])`,
    capacitiesQuery: `EVALUATE SELECTCOLUMNS(Capacities, "Capacity Id", Capacities[CapacityId])`,
    measures: MEASURES_V37,
    timepointsQuery: filteredTimepointsQuery(`'CapacityID' = "{id}"`, 'capacityId', MEASURES_V37),
  },
];

export function findShape(id: string): CapacityMetricsShape | undefined {
  return CAPACITY_METRICS_SHAPES.find((s) => s.id === id);
}
