import { defineConfig } from 'vitest/config';

// Three projects: unit tests (pure, fast, parallel), integration tests (real containers, as
// root and as an unprivileged user) and the VM tier (test/vm: a QEMU guest with systemd on pure
// cgroup v2, booted once). Integration files run one at a time: the machine has two cores and
// every test starts several Node processes and containers.
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
      {
        test: {
          name: 'vm',
          include: ['test/vm/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts', 'test/vm/global-setup.ts'],
          pool: 'forks',
          fileParallelism: false,
          // The guest is ~10-15x slower than the host (TCG, no KVM here).
          testTimeout: 300_000,
          hookTimeout: 400_000,
        },
      },
    ],
  },
});
