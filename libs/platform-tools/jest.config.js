module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'platform-tools',
  rootDir: __dirname,
};
