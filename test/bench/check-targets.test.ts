import { describe, expect, it } from 'vitest';
import { checkTargets, type CycleFacts, type RunFacts } from '../../lib/bench/check-targets';

const cycle = (over: Partial<CycleFacts>): CycleFacts => ({
  mode: 'batch',
  cycle: 'cold',
  seconds: 40,
  metricsCalls: 4000,
  stateReads: 1000,
  failed: 0,
  peakRssMb: 280,
  ...over,
});
const run = (over: Partial<RunFacts> = {}): RunFacts => ({
  customers: 1000,
  metricsLowerBound: 4000,
  cycles: [cycle({}), cycle({ mode: 'perResource', metricsCalls: 10_000 })],
  dashboardMs: 900,
  importRatio: 1.2,
  ...over,
});
const met = (checks: ReturnType<typeof checkTargets>) => Object.fromEntries(checks.map((c) => [c.target, c.met]));

describe('checkTargets', () => {
  it('passes a run that meets every target', () => {
    expect(Object.values(met(checkTargets(run())))).toEqual(Array(8).fill(true));
  });

  it('fails each target the run misses, and names what it measured', () => {
    const checks = checkTargets(
      run({
        cycles: [
          cycle({ metricsCalls: 4500, seconds: 75, stateReads: 2000, failed: 3, peakRssMb: 500 }),
          cycle({ mode: 'perResource', metricsCalls: 10_000 }),
        ],
        dashboardMs: '> 120 s',
        importRatio: 20,
      }),
    );
    expect(checks.every((c) => c.met === false)).toBe(true);
    expect(checks.find((c) => c.target.startsWith('metrics calls'))?.measured).toBe('1.13×');
    expect(checks.find((c) => c.target.startsWith('batch ≥'))?.measured).toBe('2.22×');
  });

  it('checks cold start on CPU time and shows the wall-clock ratio beside it', () => {
    const check = (importWallRatio?: number) =>
      checkTargets(run({ importRatio: 1.19, importWallRatio })).find((c) => c.target.startsWith('function entry'));
    expect(check(2.4)).toMatchObject({ measured: '1.19× (wall 2.4×)', met: true });
    expect(check()).toMatchObject({ measured: '1.19×', met: true });
  });

  it('judges peak RSS on batch mode: per-resource cycles that follow in the same process do not count', () => {
    const rss = (cycles: CycleFacts[]) =>
      checkTargets(run({ cycles })).find((c) => c.target.startsWith('peak RSS in batch mode'));
    expect(
      rss([cycle({ peakRssMb: 290 }), cycle({ mode: 'perResource', metricsCalls: 10_000, peakRssMb: 330 })]),
    ).toMatchObject({ measured: '290 MB', met: true });
    expect(rss([cycle({ peakRssMb: 290 }), cycle({ cycle: 'warm', peakRssMb: 310 })])).toMatchObject({
      measured: '310 MB',
      met: false,
    });
    expect(rss([cycle({ mode: 'perResource', metricsCalls: 10_000 })])?.met).toBe('not measured');
  });

  it('says "not measured" when the run had no per-resource cycle, instead of passing', () => {
    const checks = met(checkTargets(run({ cycles: [cycle({})] })));
    expect(checks['batch ≥ 2.5× fewer metrics calls than per resource']).toBe('not measured');
  });
});
