module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'gateway',
  rootDir: __dirname,
  // The tests run the connector-registry from its bundle, as it is deployed.
  globalSetup: '<rootDir>/../../tools/jest-build.js',
};
