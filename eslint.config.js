// Lint rules for every package. Import direction is part of the architecture:
// kernel ← server ← cli/desktop, and sdk stands alone for browsers and Node.
import tseslint from 'typescript-eslint';

const layer = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', {
      patterns: forbidden.map((pkg) => ({
        group: [`@aether/${pkg}`, `@aether/${pkg}/*`, `**/packages/${pkg}/**`, `../../${pkg}/**`, `../../../${pkg}/**`],
        message: `This layer must not import @aether/${pkg} (kernel ← server ← cli/desktop).`,
      })),
    }],
  },
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's describe/test return promises the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-expect-error': true, 'ts-nocheck': true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // Tests may assert on anything the code under test produced.
    files: ['**/*.test.ts', 'packages/*/src/testing/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Entry points and the bench runner talk to a terminal.
    files: ['bench/**/*.ts', 'packages/server/src/main.ts', 'packages/cli/src/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  layer(['packages/kernel/**/*.ts'], ['server', 'cli', 'desktop', 'sdk']),
  layer(['packages/server/**/*.ts'], ['cli', 'desktop']),
  layer(['packages/sdk/**/*.ts'], ['kernel', 'server', 'cli', 'desktop']),
  layer(['packages/desktop/**/*.ts', 'packages/desktop/**/*.tsx'], ['kernel', 'server', 'cli']),
  layer(['packages/cli/**/*.ts'], ['desktop']),
);
