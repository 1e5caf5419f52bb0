import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scripts/**', 'asterisk/**', 'jest.config.js', '.dependency-cruiser.cjs', '.test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'ari-client', message: 'Only the telephony adapter talks to ari-client.' }] }],
    },
  },
  { files: ['apps/platform/src/telephony/ari/**'], rules: { 'no-restricted-imports': 'off' } },
);
