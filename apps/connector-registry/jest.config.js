module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'connector-registry',
  rootDir: __dirname,
  globalSetup: '<rootDir>/../../tools/jest-build.js',
};
