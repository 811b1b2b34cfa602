import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'libs/*/dist/**',
      'apps/*/dist/**',
      'node_modules/**',
      'coverage/**',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The console views' TSX too, typed by apps/console/tsconfig.json.
    files: ['**/*.ts', 'apps/console/src/**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read configuration through src/config only' },
      ],
    },
  },
  {
    // Issue #28: libraries through their entry points only. A file inside a package (Nest's
    // constants, class-transformer's storage) is not its API, and an upgrade may move it.
    files: ['src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@nestjs/[^/]+|class-transformer|class-validator|@socket\\.io/[^/]+)/',
              message: "a library's entry point only (issue #28): no files inside its package",
            },
          ],
        },
      ],
    },
  },
  {
    // The compiled validator models class-validator's decorators and @Nested, nothing of
    // class-transformer's own: the contracts' DTOs use @Nested for nested classes, and neither
    // @Transform, @Expose nor @Exclude (the validator cannot see them and would disagree).
    files: ['libs/contracts/src/**/*.ts'],
    ignores: ['libs/contracts/src/nested.ts', '**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'class-transformer',
              importNames: ['Type', 'Transform', 'Expose', 'Exclude'],
              message: 'nested DTO classes are @Nested (nested.ts); the others are not modelled by the hub',
            },
          ],
          patterns: [
            {
              regex: '^(@nestjs/[^/]+|class-transformer|class-validator|@socket\\.io/[^/]+)/',
              message: "a library's entry point only (issue #28): no files inside its package",
            },
          ],
        },
      ],
    },
  },
  {
    // Issue #11: a file of the hub that outgrows this is doing two things; #28: its libraries too.
    files: ['src/**/*.ts', 'libs/*/src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }] },
  },
  {
    files: [
      'src/config/**/*.ts',
      'apps/*/src/*.config.ts',
      'test/**/*.ts',
      'apps/*/test/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'Buffer',
          'URL',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'performance',
          'global',
          'globalThis',
          'fetch',
          'AbortSignal',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // CommonJS configuration files (.dependency-cruiser.cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'readonly', require: 'readonly' } },
  },
);
