import { buildBenchScenario } from '../../lib/bench/build-bench-scenario';

/**
 * The benchmark's synthetic customers with every metric read at PT1H: one or two buckets per series keep
 * the table writes (not what large-customer tests are about) small.
 */
export function hourlyBenchScenario(
  shape: Parameters<typeof buildBenchScenario>[0],
): ReturnType<typeof buildBenchScenario> {
  const bench = buildBenchScenario(shape);
  return {
    ...bench,
    customers: bench.customers.map((c) => ({
      ...c,
      resources: c.resources?.map((r) => ({ ...r, interval: 'PT1H' as const })),
    })),
  };
}
