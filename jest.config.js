/**
 * Unit and medium tests sit beside the code (medium: real SQLite, fake gateway); e2e tests in test/ run
 * against real Asterisk, one file at a time.
 */
const transform = { '^.+\\.ts$': 'ts-jest' };

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      // scripts/ are plain Node (npm start's supervisor): their specs are CommonJS, run untransformed.
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.cjs'],
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
  ],
};
