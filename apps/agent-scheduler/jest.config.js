module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'agent-scheduler',
  rootDir: __dirname,
};
