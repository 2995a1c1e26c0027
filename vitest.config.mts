import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `npm test` runs every `*.test.ts` but the `*.large.test.ts` files; `npm run test:large` (CTC_TEST_SUITE=large)
 * runs only those: they take minutes by design (e.g. 1,000 reads at ARM's 25/s refill).
 */
const large = process.env.CTC_TEST_SUITE === 'large';

export default defineConfig({
  test: {
    include: large ? ['test/**/*.large.test.ts'] : ['test/**/*.test.ts'],
    exclude: large ? [...configDefaults.exclude] : [...configDefaults.exclude, 'test/**/*.large.test.ts'],
    // Each file gets its own process: the TLS trust store and the Functions core API shim are per process.
    pool: 'forks',
    testTimeout: large ? 600_000 : 60_000,
    hookTimeout: 60_000,
  },
});
