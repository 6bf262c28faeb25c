import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'runs/', 'build/', '.scratch/', 'bench/reference/'] },
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
