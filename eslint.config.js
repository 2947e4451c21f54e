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
    files: ['public/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', location: 'readonly', navigator: 'readonly', console: 'readonly', URL: 'readonly', PublicKeyCredential: 'readonly', Notification: 'readonly', EventSource: 'readonly', atob: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', self: 'readonly' } },
  },
);
