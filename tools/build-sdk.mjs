// Builds the published @komputer/sdk into libs/sdk/dist: an ESM and a CommonJS bundle (with
// openapi-fetch bundled in, so that the package has no dependencies), each beside its
// declarations and a package.json that says which module format the folder holds.
import { execFileSync } from 'node:child_process';
import { cpSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const sdk = join(root, 'libs', 'sdk');
const dist = join(sdk, 'dist');
const tsconfig = join(sdk, 'tsconfig.lib.json');
// Tests build too, sometimes several at once (the pack test, the getting-started test): each
// build is made apart, under the ignored dist/ of the root, and then takes the place of the last.
const out = join(root, 'dist', `sdk-build-${process.pid}`);

rmSync(out, { recursive: true, force: true });

const formats = { esm: 'module', cjs: 'commonjs' };
for (const [format, type] of Object.entries(formats)) {
  await build({
    entryPoints: [join(sdk, 'src', 'index.ts')],
    outfile: join(out, format, 'index.js'),
    bundle: true,
    format,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    sourcemap: true,
    tsconfig,
    logLevel: 'warning',
  });
  writeFileSync(join(out, format, 'package.json'), `${JSON.stringify({ type })}\n`);
}

const types = join(out, 'types');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const declarations = [
  '--noEmit',
  'false',
  '--declaration',
  '--emitDeclarationOnly',
  '--stripInternal',
];
execFileSync(
  process.execPath,
  [tsc, '-p', tsconfig, ...declarations, '--rootDir', join(sdk, 'src'), '--outDir', types],
  { stdio: 'inherit' },
);
for (const format of Object.keys(formats)) cpSync(types, join(out, format), { recursive: true });
rmSync(types, { recursive: true });

// Two renames: a reader finds the old build or the new one, never half of one. A directory
// cannot be renamed over another, so a build that another one replaced meanwhile moves it aside.
const old = `${out}-old`;
for (let attempt = 0; ; attempt++) {
  try {
    renameSync(dist, old);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  try {
    renameSync(out, dist);
    break;
  } catch (err) {
    if (!['EEXIST', 'ENOTEMPTY'].includes(err.code) || attempt >= 5) throw err;
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
}
