// The end-to-end and launcher tests run the bundles (the scheduler starts agent runtimes from
// theirs): build them once, before every test file, rather than once in each.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = () => {
  const root = join(__dirname, '..', '..', '..');
  execFileSync(process.execPath, [join(root, 'tools', 'build.mjs')], {
    cwd: root,
    stdio: 'inherit',
    timeout: 120_000,
  });
};
