module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'agent-runtime',
  rootDir: __dirname,
};
