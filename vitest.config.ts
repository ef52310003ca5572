import { defineConfig } from 'vitest/config';

// Test files live in test/ and beside each connector. Files that share the machine's Redis and
// PostgreSQL isolate themselves (own key prefix, own schema), so they may run in parallel.
export const config = defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'connectors/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
  },
});
// vitest loads a default export from its config file; this is the one place one is needed.
// eslint-disable-next-line no-restricted-syntax
export default config;
