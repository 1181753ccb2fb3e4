// Layering is enforced here, not by memory: src-renderer → src-shared ← src-main, and inside src-main
// the per-folder table of eslint-layering.mjs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layeringConfig } from './eslint-layering.mjs';
import { offlineStationConfig } from './eslint-offline.mjs';

const sidesOfShared = [
  { group: ['**/src-main/**', '**/src-renderer/**'], message: 'src-shared imports neither side.' },
  {
    group: ['electron', 'react', 'react-dom', 'better-sqlite3', '@aws-sdk/*'],
    message: 'src-shared stays pure.',
  },
  {
    group: ['node:*', '!node:crypto', '!node:buffer', '!node:zlib'],
    message: 'src-shared may use node:crypto and node:buffer only.',
  },
];

const mainPatterns = [
  { group: ['**/src-renderer/**'], message: 'Main never imports renderer code.' },
  {
    group: ['electron'],
    allowTypeImports: true,
    message: 'Only the Electron shell (main.ts, preload.ts, shell/) imports electron at run time.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.venv-interop/',
      'dist/',
      '.native/',
      'release/',
      'test/e2e/artifacts/',
      'test/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.main.json', './tsconfig.renderer.json', './tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  layeringConfig,
  { files: ['src-shared/**'], rules: { 'no-restricted-imports': ['error', { patterns: sidesOfShared }] } },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src-main/**'], message: 'The renderer never imports main-process code.' },
            { group: ['electron', 'node:*'], message: 'The renderer has no Node and no Electron.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/main.ts', 'src-main/preload.ts', 'src-main/shell/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: mainPatterns }] },
  },
  offlineStationConfig(mainPatterns),
  {
    files: ['src-main/cli/**', 'src-main/build/**', 'test/**', 'assets/*.mjs'],
    rules: { 'no-console': 'off' },
  },
  { files: ['**/*.mjs', '**/*.cjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'readonly',
        __dirname: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
