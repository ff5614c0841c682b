import { defineConfig } from 'vitest/config';

// Two projects: unit tests (pure, fast, parallel) and integration tests (real containers, as
// root and as an unprivileged user). Integration files run one at a time: the machine has
// two cores and every test starts several Node processes and containers.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
