import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of docs/architecture.md ("Folders"), as import rules: each folder may import only what
// the table allows. The compiler enforces the same with one tsconfig per layer (tsconfig.json).
const VSCODE = { name: 'vscode', message: 'Only src/vscode/ imports vscode (docs/architecture.md).' };
const layer = (folders, message) => ({ regex: `^\\.{1,2}/(.*/)?(${folders.join('|')})(/|$)`, message });
const typesOnlyFromEngine = { regex: '^\\.{1,2}/(.*/)?engine(/|$)', allowTypeImports: true, message: 'Only `import type` from src/engine here: views render what the engine decided (docs/architecture.md).' };
const restrict = (paths, patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] });

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
    // The engine: Node and its own modules; no front end, no protocol, no VS Code, no DOM.
    files: ['src/engine/**'],
    rules: restrict([VSCODE], [layer(['vscode', 'cli', 'protocol', 'webview'], 'src/engine imports no front end and no protocol: the front ends import the engine (docs/architecture.md).')]),
  },
  {
    // The protocol: message types, and only types from the engine.
    files: ['src/protocol/**'],
    rules: {
      ...restrict([VSCODE], [layer(['vscode', 'cli', 'webview'], 'src/protocol imports only types from src/engine (docs/architecture.md).'), typesOnlyFromEngine]),
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
    },
  },
  {
    // The CLI: the engine from a terminal; it proves the engine is free of VS Code.
    files: ['src/cli/**'],
    rules: restrict([VSCODE], [layer(['vscode', 'protocol', 'webview'], 'src/cli imports only src/engine (docs/architecture.md).')]),
  },
  {
    // The extension: everything above, never the CLI or a webview bundle.
    files: ['src/vscode/**', 'src/extension.ts'],
    rules: restrict([], [layer(['cli', 'webview'], 'The extension imports src/engine and src/protocol, never the CLI or webview code (docs/architecture.md).')]),
  },
  {
    // The webviews: browser code; protocol types and helpers, only types from the engine, no Node.
    files: ['webview/**'],
    rules: restrict([VSCODE], [layer(['vscode', 'cli'], 'webview/ imports src/protocol and the UI toolkit (docs/architecture.md).'), typesOnlyFromEngine, { regex: '^node:', message: 'webview/ runs in a browser: no Node modules.' }]),
  },
  {
    // Browser code: the webviews, and the page functions the end-to-end tests evaluate.
    files: ['webview/**', 'test/e2e/**'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', HTMLElement: 'readonly', navigator: 'readonly' } },
  },
  {
    // Network text reaches the DOM only as text (docs/architecture.md): no HTML parsing sinks at all.
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
    files: ['esbuild.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
