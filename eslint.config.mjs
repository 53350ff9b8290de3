import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // .stryker-tmp: mutation-testing sandboxes (npm run mutate); reports: its output
  {
    ignores: [
      'node_modules/',
      'dist/',
      'cdk.out/',
      'coverage/',
      '.stryker-tmp/',
      'reports/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The analysis core is pure: no AWS SDK, no environment, no file system, no Powertools.
    files: ['lambdas/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*', '@middy/*'],
              message: 'lambdas/core is pure: no AWS SDK or Lambda runtime.',
            },
            {
              group: [
                'fs',
                'node:fs',
                'fs/promises',
                'node:fs/promises',
                'child_process',
                'node:child_process',
                'http',
                'https',
                'node:http',
                'node:https',
                'net',
                'node:net',
              ],
              message: 'lambdas/core is pure: no I/O.',
            },
            {
              group: [
                '../adapters/*',
                '../../adapters/*',
                '../delivery/*',
                '../../delivery/*',
                '../handler/*',
                '../cli/*',
              ],
              message: 'lambdas/core must not import the edges.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'lambdas/core is pure: no process/environment.' },
      ],
    },
  },
);
