// One flat config for the whole monorepo. Type-aware rules are left off on purpose:
// `tsc --noEmit` already type-checks, and untyped linting keeps `lint` fast on 2 cores.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

/** Engines are pure: they compile and decide, the server does I/O. */
const forbiddenInEngines = [
  'fastify',
  'react',
  'react-dom',
  'pg',
  'pg-pool',
  '@electric-sql/pglite',
  'node:fs',
  'node:net',
  'node:http',
  'fs',
  'net',
  'http',
]

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/data/**', '**/.turbo/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    // kysely's documented migration pattern: migrations must not depend on today's table types.
    files: ['**/migrations/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['packages/*-engine/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbiddenInEngines.map((name) => ({
            name,
            message: 'Engine packages are pure: no framework, UI or database driver imports.',
          })),
          patterns: [
            {
              group: ['fastify/*', '@fastify/*', 'react/*', 'react-dom/*', 'pg/*', '@electric-sql/*'],
              message: 'Engine packages are pure: no framework, UI or database driver imports.',
            },
          ],
        },
      ],
    },
  },
)
