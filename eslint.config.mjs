import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Which kind of project may import which. Apps never import one another; the dev launcher
// (`npm start`) is the one place that composes every app in one process.
const depConstraints = [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:none'] },
  { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:none'] },
  { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['type:sdk'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:contracts', 'type:lib'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:lib'] },
  // An app may use the SDK's generated types: the gateway's client of the connector-registry is
  // openapi-fetch over them, since services share one document and the client made from it.
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:lib', 'type:sdk'],
  },
  {
    sourceTag: 'type:launcher',
    onlyDependOnLibsWithTags: [
      'type:contracts',
      'type:lib',
      'type:testing',
      'type:app',
      'type:sdk',
    ],
  },
];

const boundaries = (extra = {}) => ({
  '@nx/enforce-module-boundaries': [
    'error',
    { enforceBuildableLibDependency: false, depConstraints, ...extra },
  ],
});

export default tseslint.config(
  { ignores: ['**/node_modules', '**/dist', '**/.komputer', '**/coverage', '.nx/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    files: ['**/*.ts'],
    rules: {
      ...boundaries(),
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportAllDeclaration',
          message: 'Name your exports: a lib index lists what it exports.',
        },
      ],
    },
  },
  {
    // Reading the environment is loadConfig's job alone.
    files: ['apps/**/src/**/*.ts', 'libs/**/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/config.ts', '**/main.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through loadConfig(env).',
        },
      ],
    },
  },
  {
    // Tests may use the test kit.
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: boundaries({
      depConstraints: depConstraints.map((c) => ({
        ...c,
        onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'],
      })),
    }),
  },
  {
    // The dev launcher and the benchmarks compose apps, and the docs tools read their config
    // schemas; nothing else imports one.
    files: ['apps/dev/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    rules: boundaries({
      allow: [
        '@komputer/gateway',
        '@komputer/agent-scheduler',
        '@komputer/event-relay',
        '@komputer/connector-registry',
        '@komputer/agent-runtime',
      ],
    }),
  },
  prettier,
);
