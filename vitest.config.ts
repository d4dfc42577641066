import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // one PostgreSQL for the run; test/db files each create a database in it
    globalSetup: ['test/support/global-postgres.ts'],
  },
});
