// Lint: the layering rules (VS Code style) that keep runtimes apart, plus a few
// correctness rules. src/shared imports nothing from Node, Electron or the DOM;
// the renderer reaches the main process only through the API contract.
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { codeLayers, LAYERS } from './eslint/code-layers.js';

const nodeModules = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'http', 'net', 'stream'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'demo-out/**', 'test-output/**', 'bench-output/**', 'release/**'] },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.cts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-unreachable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeModules, message: 'src/shared must not import Node modules: it runs in every layer.' },
            {
              group: ['electron', 'react', 'react-dom', 'better-sqlite3', 'sharp', '@tensorflow/*'],
              message: 'src/shared holds types and pure functions only.',
            },
            { group: ['**/main/**', '**/renderer/**', '../main/*', '../renderer/*'], message: 'src/shared must not import from main or renderer.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeModules, message: 'The renderer has no Node: talk to the service through the API contract.' },
            {
              group: ['electron', 'better-sqlite3', 'sharp', '@tensorflow/*'],
              message: 'The renderer reaches the main process only through the API contract (src/shared/api.ts).',
            },
            { group: ['**/main/**', '../main/*', '../../main/*'], message: 'The renderer must not import main-process code.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron'], message: 'Only src/main/electron may import Electron: the engine also runs headless (CLI, HTTP).' },
            { group: ['**/renderer/**'], message: 'The main process must not import renderer code.' },
          ],
        },
      ],
    },
  },
  {
    // The project database's connection never leaves src/main/store: everything else uses ProjectStore's methods.
    // A rule of its own name (the typescript-eslint twin of no-restricted-imports), so it adds to the layer blocks' lists instead of replacing them.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/main/store/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'better-sqlite3', message: 'SQLite is reached only through src/main/store (ProjectStore): add a store method instead.' }],
          patterns: [{ group: ['**/store/database', '**/store/database.js'], message: 'The database handle is private to src/main/store: use ProjectStore.' }],
        },
      ],
    },
  },
  {
    // Domain layering: hosts -> service -> jobs / store -> pure -> shared (docs/architecture.md, "Rooms").
    files: ['src/**/*.ts', 'src/**/*.tsx', 'src/**/*.cts'],
    plugins: { local: { rules: { 'code-layers': codeLayers } } },
    rules: { 'local/code-layers': ['error', LAYERS] },
  },
);
