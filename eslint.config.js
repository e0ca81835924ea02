// Type-aware lint plus the import boundaries that ARCHITECTURE.md describes ("Layers").
// Boundaries are plain `no-restricted-imports` patterns per folder: one rule ESLint ships, no plugin.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const layer = (message, group) => ({ group, message });

/** Folders that hold business, integration or storage logic, below the delivery layers (http, web, cli). */
const DOMAIN_FOLDERS = [
  'domain',
  'services',
  'handlers',
  'billing',
  'modules',
  'connections',
  'webhooks',
  'jobs',
  'notify',
  'auth',
  'stripe',
  'crypto',
  'store',
];

const NO_SANDBOX = layer('Paybridge talks to the sandbox only through the Stripe SDK, exactly as to Stripe.', ['**/sandbox/**']);

/** Folders that hold business or integration logic: none of them may reach up into a delivery layer. */
const DELIVERY_LAYERS = layer(
  'Business and integration code must not import HTTP, dashboard or CLI code; move the shared piece into a service or src/errors.ts.',
  ['**/http/**', '**/web/**', '**/cli/**'],
);

/** SQL lives only in src/store/: nothing else builds queries. */
const SQL_IN_STORE = { name: 'kysely', message: 'SQL lives only in src/store/: add a data-access function there and call it.' };

/** A module's entry points (see the modules block below): they play the delivery layers' part for that module. */
const MODULE_DELIVERY_FILES = [
  'src/modules/*/routes.ts',
  'src/modules/*/page.ts',
  'src/modules/*/command.ts',
  // command.ts declares a module's commands; their code, loaded only when one runs, sits beside it.
  'src/modules/*/command-actions.ts',
];

/** One `no-restricted-imports` setting for a set of files (tests excluded: they may reach any layer). */
function boundary(files, patterns, paths, ignores = []) {
  return { files, ignores: ['**/*.test.ts', ...ignores], rules: { 'no-restricted-imports': ['error', { patterns, paths }] } };
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      'test-output/**',
      'bench/.peer/**',
      'bench/.build/**',
      'coverage/**',
      'reports/**',
      '.stryker-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            'eslint.config.js',
            'stryker.config.mjs',
            'bin/*.js',
            'scripts/*.js',
            'web/assets/*.js',
            'bench/servers/*.cjs',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Tests and a few SDK seams read untyped JSON on purpose; `any` there is explicit, not accidental.
      '@typescript-eslint/no-explicit-any': 'off',
      // Empty catch blocks say "this failure is expected and handled by the caller's next step".
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['**/*.cjs', 'bench/servers/**'],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['bin/*.js', 'scripts/*.js', 'eslint.config.js', 'stryker.config.mjs'], languageOptions: { globals: globals.node } },
  { files: ['web/assets/*.js'], languageOptions: { globals: globals.browser } },
  // Later blocks override earlier ones for the same rule, so they go from the widest folder to the narrowest,
  // and each repeats the restrictions of the wider ones it replaces (`boundary` builds them).
  boundary(['src/**/*.ts', 'web/**/*.ts'], [NO_SANDBOX], [SQL_IN_STORE], ['src/cli/sandbox-actions.ts', 'src/cli/demo-actions.ts']),
  boundary(
    DOMAIN_FOLDERS.map((folder) => `src/${folder}/**/*.ts`),
    [NO_SANDBOX, DELIVERY_LAYERS],
    [SQL_IN_STORE],
  ),
  // A handler says what a Stripe event means; it must not know which module consumes the fact.
  boundary(
    ['src/handlers/**/*.ts'],
    [NO_SANDBOX, DELIVERY_LAYERS, layer('Handlers emit facts; they never import a module.', ['**/modules/**'])],
    [SQL_IN_STORE],
  ),
  boundary(
    ['src/domain/**/*.ts'],
    [
      NO_SANDBOX,
      DELIVERY_LAYERS,
      layer('domain/ is the spine under handlers and modules: it imports only store/, feature names, job types and the context.', [
        ...['modules', 'handlers', 'billing', 'connections', 'services', 'webhooks', 'notify', 'auth', 'crypto'].map((f) => `**/${f}/**`),
      ]),
    ],
    [SQL_IN_STORE],
  ),
  // A module folder holds its whole capability. Its fact handling runs inside the processing transaction, where a
  // Stripe call would hold the transaction open, so Stripe calls there are jobs. Its API side (`*-service.ts`,
  // called by routes, pages and commands outside any processing transaction) may call Stripe through src/stripe/.
  // Its delivery files (`routes.ts`, `page.ts`, `command.ts`) are the module's entry points and may use the
  // http/, web/ and cli/ helpers; nothing else in the module may import them.
  boundary(
    ['src/modules/**/*.ts'],
    [
      NO_SANDBOX,
      DELIVERY_LAYERS,
      layer("Only a module's routes, page and command import its delivery files.", ['**/routes', '**/page', '**/command']),
      layer(
        'Module fact handling never calls Stripe inside the processing transaction: enqueue a job, or move the call to a *-service.ts.',
        ['**/stripe/client'],
      ),
    ],
    [
      SQL_IN_STORE,
      {
        name: 'stripe',
        message: 'Module fact handling never calls Stripe inside the processing transaction: enqueue a job instead.',
        allowTypeImports: true,
      },
    ],
    ['src/modules/**/*-service.ts', ...MODULE_DELIVERY_FILES],
  ),
  boundary(['src/modules/**/*-service.ts'], [NO_SANDBOX, DELIVERY_LAYERS], [SQL_IN_STORE]),
  boundary(MODULE_DELIVERY_FILES, [NO_SANDBOX], [SQL_IN_STORE]),
  // The store is the bottom layer: it knows tables and rows, not what a handler or route does with them.
  boundary(
    ['src/store/**/*.ts'],
    [
      NO_SANDBOX,
      layer('src/store/ is the bottom layer: it may not import domain, HTTP, dashboard or CLI code.', [
        ...[...DOMAIN_FOLDERS, 'http', 'web', 'cli'].filter((folder) => folder !== 'store').map((folder) => `**/${folder}/**`),
        // Pure rules the store applies while writing: version order and the job catalog's types.
        '!**/webhooks/object-versions',
        '!**/jobs/catalog',
      ]),
    ],
    [],
  ),
  // The delivery layers change and read state through services (src/services/, the *-service.ts of
  // billing/, connections/ and each module), never by calling src/store/ themselves. Row types may be
  // imported; `store-unavailable` classifies errors for the 503 answer; the migrate commands operate
  // on the store itself.
  {
    files: ['src/http/**/*.ts', 'src/cli/**/*.ts', 'web/**/*.ts', ...MODULE_DELIVERY_FILES],
    ignores: ['**/*.test.ts', 'src/cli/migrate-actions.ts', 'src/cli/migrate-embedded-actions.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/store/**', '!**/store/store-unavailable'],
              allowTypeImports: true,
              message: 'Routes, pages and commands read and write through a service (src/services/ or a *-service.ts), not src/store/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The sandbox stands in for Stripe: it shares no code with Paybridge, so it can never agree with it by accident.
    files: ['sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [layer('The sandbox is independent of Paybridge: it may not import src/ or web/.', ['**/src/**', '**/web/**'])] },
      ],
    },
  },
);
