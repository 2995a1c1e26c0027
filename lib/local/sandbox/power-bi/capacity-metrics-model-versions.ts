/**
 * The sandbox's own description of the Capacity Metrics app's semantic model per app version: the
 * tables, columns, measures and M parameters a DAX query may name. Names are those FUAM queries
 * (microsoft/fabric-toolbox, monitoring/fabric-unified-admin-monitoring/src/
 * 01_Transfer_CapacityMetricData_Timepoints_Unit.Notebook, commit 050ceef5). DAX names are
 * case-insensitive. `v99` is a made-up future version whose measures were renamed: no known shape fits.
 */
export type SandboxModelVersion = 'v53' | 'v47' | 'v40' | 'v37' | 'v99';

/** What each measure reports, for the data generator. */
export type ModelQuantity =
  | 'interactive'
  | 'background'
  | 'interactivePreview'
  | 'backgroundPreview'
  | 'delay'
  | 'interactiveRejection'
  | 'backgroundRejection'
  | 'carryAdd'
  | 'carryBurndown'
  | 'carryCumulative'
  | 'cuLimit'
  | 'other';

export interface SandboxModelSchema {
  readonly tables: Readonly<Record<string, readonly string[]>>;
  readonly measures: Readonly<Record<string, ModelQuantity>>;
  readonly parameters: readonly string[];
  /** Name of the capacity id column in Capacities (for SELECTCOLUMNS answers). */
  readonly capacityIdColumn: string;
}

const SINCE_V40: Record<string, ModelQuantity> = {
  'Background billable CU %': 'background',
  'Interactive billable CU %': 'interactive',
  'Background non billable CU %': 'backgroundPreview',
  'Interactive non billable CU %': 'interactivePreview',
  'SKU CU by timepoint %': 'other',
  'CU limit': 'cuLimit',
  'Cumulative CU usage % preview': 'other',
  'Cumulative CU usage (s)': 'other',
  'SKU CU by timepoint': 'other',
  'Dynamic interactive delay %': 'delay',
  'Dynamic interactive rejection %': 'interactiveRejection',
  'Interactive rejection threshold': 'other',
  'Dynamic background rejection %': 'backgroundRejection',
  'Background rejection threshold': 'other',
  'Carry over add %': 'carryAdd',
  'Carry over burndown %': 'carryBurndown',
  'Cumulative carry over %': 'carryCumulative',
  'Overage reference line': 'other',
  'Expected burndown in minutes': 'other',
};

const V37: Record<string, ModelQuantity> = {
  'xBackground %': 'background',
  'xInteractive %': 'interactive',
  'xBackground % Preview': 'backgroundPreview',
  'xInteractive % Preview': 'interactivePreview',
  'SKU CU by TimePoint %': 'other',
  'CU Limit': 'cuLimit',
  'Cumulative CU Usage % Preview': 'other',
  'Cumulative CU Usage (s)': 'other',
  'SKU CU by TimePoint': 'other',
  'Dynamic InteractiveDelay %': 'delay',
  'Dynamic InteractiveRejection %': 'interactiveRejection',
  'Interactive rejection threshold': 'other',
  'Dynamic BackgroundRejection %': 'backgroundRejection',
  'Background rejection threshold': 'other',
  'xCarryOver_added %': 'carryAdd',
  'xCarryOver_burndown %': 'carryBurndown',
  'xCarryOver_Cumulative %': 'carryCumulative',
  'Overage reference line': 'other',
  'Expected burndown in minutes': 'other',
};

export const MODEL_VERSIONS: Readonly<Record<SandboxModelVersion, SandboxModelSchema>> = {
  v53: {
    tables: { Capacities: ['Capacity Id', 'state'], TimePoints: ['TimePoint', 'Date'], Dates: ['Date'] },
    measures: { ...SINCE_V40, 'Blocked workspaces (Day)': 'other' },
    parameters: ['CapacitiesList'],
    capacityIdColumn: 'Capacity Id',
  },
  v47: {
    tables: { Capacities: ['capacity Id', 'state'], TimePoints: ['TimePoint', 'Date'] },
    measures: SINCE_V40,
    parameters: ['DefaultCapacityID', 'CapacitiesList'],
    capacityIdColumn: 'capacity Id',
  },
  v40: {
    tables: { Capacities: ['capacity Id', 'state'], TimePoints: ['TimePoint', 'Date'] },
    measures: SINCE_V40,
    parameters: ['CapacityID'],
    capacityIdColumn: 'capacity Id',
  },
  v37: {
    tables: { Capacities: ['CapacityId', 'state'], TimePoints: ['TimePoint', 'Date'] },
    measures: V37,
    parameters: ['CapacityID'],
    capacityIdColumn: 'CapacityId',
  },
  v99: {
    tables: { Capacity: ['Id'], Timepoint: ['Start'] },
    measures: { 'CU (interactive) %': 'interactive', 'CU (background) %': 'background' },
    parameters: ['Capacity'],
    capacityIdColumn: 'Id',
  },
};
