module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'tools',
  rootDir: __dirname,
  testMatch: ['<rootDir>/docs/**/*.test.ts', '<rootDir>/images/**/*.test.ts'],
};
