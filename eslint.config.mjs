// ESLint (flat config): typescript-eslint, Next's own rules and the React hooks rules, plus the
// layer boundaries of ARCHITECTURE.md as import rules, so a wrong import fails `npm run lint` (and
// so `npm test` and CI) instead of waiting for a reviewer. Formatting is Prettier's job, not this.
import js from '@eslint/js';
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import { localPlugin } from './eslint/client-boundary.mjs';

/** An import of `layers` through the @/ alias or a relative path climbing out of the folder. */
const layer = (layers, message) => ({ regex: `^(@/|(\\.\\./)+)(${layers.join('|')})(/|$)`, message });

const restrict = (...patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.next/',
      '.data/',
      'next-env.d.ts',
      'test-results/',
      'playwright-report/',
      'scratch/',
      'e2e/out/',
      'bench/out/',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // `Kysely<any>` is Kysely's own idiom for migrations and schema-free test helpers; tsc (strict)
      // still checks everything else.
      '@typescript-eslint/no-explicit-any': 'off',
      // A variable a cleanup closure reads before it is assigned (e2e/serve.ts) stays a `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    ...nextPlugin.configs['core-web-vitals'],
  },
  // The classic hooks rules. The plugin's React Compiler diagnostics (purity, set-state-in-effect,
  // incompatible-library...) stay off: the app is not built with the compiler, and they flag
  // server components' Date.now() and TanStack Virtual, which are fine without it.
  {
    files: ['app/**/*.{ts,tsx}', 'lib/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    plugins: { local: localPlugin },
    rules: { 'local/client-boundary': 'error' },
  },
  // The layers: db <- server <- app, and lib (shared by both sides) below all of them.
  {
    files: ['db/**/*.ts'],
    rules: restrict(layer(['server', 'app'], 'db/ is the bottom layer: it never imports server/ or app/.')),
  },
  {
    files: ['server/**/*.ts'],
    rules: restrict(layer(['app'], 'server/ never imports app/ (the request path runs one way: app -> server -> db).')),
  },
  {
    files: ['lib/**/*.ts'],
    rules: restrict(layer(['server', 'app'], 'lib/ is shared with client components: no server or app code.'), {
      regex: '^(@/|(\\.\\./)+)db/(?!schema$)',
      message: 'lib/ may use db/schema (types and enums) only: no database code.',
    }),
  },
);
