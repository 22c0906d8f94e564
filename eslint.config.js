import js from '@eslint/js';
import tseslint from 'typescript-eslint';

import { builtinModules } from 'node:module';

// 'node:*' as a pattern; bare built-in names ('fs', 'http') as exact paths so './http' stays allowed.
const nodeBuiltins = ['node:*'];
const bareBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const restrict = (patterns, { noBuiltins = false } = {}) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: patterns.map((p) => ({ group: p.group, message: p.message })),
      paths: noBuiltins ? bareBuiltins.map((name) => ({ name, message: 'No Node built-ins in this layer.' })) : [],
    },
  ],
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bin/**', 'bench/.out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // Layers (see ARCHITECTURE.md): enforced here, not by memory.
  {
    files: ['src/shared/**'],
    rules: restrict([
      { group: nodeBuiltins, message: 'src/shared runs everywhere: no Node built-ins.' },
      { group: ['electron', '**/engine/**', '**/main/**', '**/renderer/**', '**/preload/**', 'ws', 'localtunnel'], message: 'src/shared imports nothing but itself and zod.' },
    ], { noBuiltins: true }),
  },
  {
    files: ['src/engine/**'],
    rules: restrict([
      { group: ['electron', '**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/engine is plain Node: no electron, no doors, no UI.' },
    ]),
  },
  {
    files: ['src/renderer/**'],
    rules: restrict([
      { group: [...nodeBuiltins, 'electron', '**/engine/**', '**/main/**', '**/preload/**', 'ws', 'localtunnel'], message: 'The renderer talks to an EngineClient only.' },
    ], { noBuiltins: true }),
  },
  {
    files: ['src/preload/**'],
    rules: restrict([
      { group: ['**/engine/**', '**/main/**', '**/renderer/**', 'ws', 'localtunnel'], message: 'The preload is a narrow bridge: electron and shared types only.' },
    ]),
  },
  {
    // electron may only be imported by the Electron shell files.
    files: ['src/main/cli/**', 'src/main/serve/**', 'test/**', 'bench/**'],
    rules: restrict([{ group: ['electron'], message: 'Only the Electron shell (src/main/electron) may import electron.' }]),
  },
);
