module.exports = { ...require('../../jest.preset.js'), displayName: 'routes', rootDir: __dirname };
