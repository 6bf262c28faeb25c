import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Only the project's own trees and root config: a script or a run a user drops into the clone is not linted.
  { ignores: ['*', '!src/', '!test/', '!bench/', '!web/', '!scripts/', '!bin/', '!eslint.config.js', 'bench/reference/'] },
  js.configs.recommended,
  { files: ['bin/**/*.js', 'scripts/**/*.mjs', 'bench/**/*.mjs', 'eslint.config.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The browser-safe core (and the browser app) must not reach for Node: see ARCHITECTURE.md.
    files: ['src/**/*.ts', 'web/src/**/*.ts'],
    ignores: ['src/node/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'zlib', 'os', 'process', 'child_process', 'url'] }],
      'no-restricted-globals': ['error', 'process', 'Buffer', '__dirname', 'require'],
    },
  },
);
