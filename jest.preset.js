// Shared jest settings: swc strips the types (tsc typechecks separately), and the
// workspace libs resolve to their sources, exactly as tsconfig.base.json maps them.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = {
  ...Object.fromEntries(
    Object.entries(compilerOptions.paths).map(([name, [target]]) => [
      `^${name}$`,
      path.join(__dirname, target),
    ]),
  ),
  // ESM-style relative imports (`./errors.js`, as the published SDK needs) name the .ts source.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        jsc: { target: 'es2023', parser: { syntax: 'typescript' } },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper,
  // @kubernetes/client-node and the OpenID packages it imports, and oidc-provider (the tests'
  // authorization server), ship only ES modules, which jest's CommonJS runtime cannot require
  // on Node 20: swc compiles them like our sources.
  transformIgnorePatterns: [
    '/node_modules/(?!(@kubernetes/client-node|openid-client|oauth4webapi|jose|oidc-provider)/)',
  ],
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 20_000,
};
