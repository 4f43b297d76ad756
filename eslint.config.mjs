import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    // The engine, the protocol and the webviews must stay free of VS Code (ARCHITECTURE.md).
    files: ['src/engine/**', 'src/protocol/**', 'src/cli/**', 'webview/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only src/vscode/ may import vscode.' }] }],
    },
  },
  {
    // Browser code: the webviews, and the page functions the end-to-end tests evaluate.
    files: ['webview/**', 'test/e2e/**'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', HTMLElement: 'readonly', navigator: 'readonly' } },
  },
  {
    // Network text reaches the DOM only as text (ARCHITECTURE.md): no HTML parsing sinks at all.
    files: ['webview/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Use textContent / createElement: network text is data.' },
        { property: 'outerHTML', message: 'Use textContent / createElement: network text is data.' },
        { property: 'insertAdjacentHTML', message: 'Use textContent / createElement: network text is data.' },
      ],
    },
  },
  {
    files: ['src/protocol/**'],
    rules: { '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }] },
  },
  {
    files: ['esbuild.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
