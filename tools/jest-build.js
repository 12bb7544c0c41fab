// A jest global setup for the test projects that run the apps' bundles (a service started as
// its own process): build them once, before every test file, rather than once in each.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = () => {
  const root = join(__dirname, '..');
  execFileSync(process.execPath, [join(root, 'tools', 'build.mjs')], {
    cwd: root,
    stdio: 'inherit',
    timeout: 120_000,
  });
};
