module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'event-relay',
  rootDir: __dirname,
};
