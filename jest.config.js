/**
 * Unit and medium tests sit beside the code (medium: real SQLite, fake gateway); e2e tests in test/ run
 * against real Asterisk, one file at a time. The `-postgres` projects re-run the database-facing
 * suites with DATABASE_TYPE=postgres, a fresh database per platform, on the PostgreSQL that `npm test`
 * starts (POSTGRES_TEST_URL).
 */
const transform = { '^.+\\.ts$': 'ts-jest' };
const postgresEnv = ['<rootDir>/test/support/jest-postgres.env.ts'];
// Every medium suite (records, accounts, listing, the facades, migrations) is database-facing: all of
// them run on PostgreSQL too. They take about a minute on two cores.
const POSTGRES_MEDIUM = ['<rootDir>/apps/**/*.medium-spec.ts'];
// One full call on real Asterisk, and the paged, filtered, counted listing; two nodes sharing the database.
const POSTGRES_E2E = ['calls', 'call-listing', 'accounts', 'health', 'scale-out'].map(
  (name) => `<rootDir>/test/${name}.e2e-spec.ts`,
);

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      // scripts/ are plain Node (npm start's supervisor): their specs are CommonJS, run untransformed.
      // bench/ specs: the live bench's statistics, report table and SIP responder.
      testMatch: [
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.cjs',
        '<rootDir>/bench/**/*.spec.ts',
      ],
      transform,
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-load.setup.ts'],
    },
    {
      // The core and its facades with a real SQLite database and the shared fake gateway: no Asterisk.
      displayName: 'medium',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/apps/**/*.medium-spec.ts'],
      transform,
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-load.setup.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform,
      slowTestThreshold: 30,
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-e2e.setup.ts'],
    },
    {
      displayName: 'medium-postgres',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: POSTGRES_MEDIUM,
      transform,
      setupFiles: postgresEnv,
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-load.setup.ts'],
    },
    {
      displayName: 'e2e-postgres',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: POSTGRES_E2E,
      transform,
      slowTestThreshold: 30,
      setupFiles: postgresEnv,
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-e2e.setup.ts'],
    },
  ],
};
