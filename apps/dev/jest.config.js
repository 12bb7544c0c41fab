module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'dev',
  rootDir: __dirname,
  globalSetup: '<rootDir>/test/global-setup.js',
};
