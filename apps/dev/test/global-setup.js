// The end-to-end and launcher tests run the bundles (the scheduler starts agent runtimes from
// theirs): build them once, before every test file, rather than once in each.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = () => {
  // API keys are off in the stacks and processes these tests start (their workers and children
  // inherit this), unless a test turns them on, as the getting-started test does.
  process.env.KOMPUTER_AUTH ??= 'off';
  const root = join(__dirname, '..', '..', '..');
  execFileSync(process.execPath, [join(root, 'tools', 'build.mjs')], {
    cwd: root,
    stdio: 'inherit',
    timeout: 120_000,
  });
};
