import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'public/vendor/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The image ships src/ without its *.test.ts (.dockerignore) and without test/: what runs in
    // production must not import either.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/test/**', '**/*.test.ts'], message: 'production code must not import tests or test support' }] }],
    },
  },
  {
    files: ['public/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', location: 'readonly', navigator: 'readonly', console: 'readonly', URL: 'readonly', PublicKeyCredential: 'readonly', Notification: 'readonly', EventSource: 'readonly', atob: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', self: 'readonly' } },
  },
);
