// Builds the published @komputer/sdk into libs/sdk/dist: an ESM and a CommonJS bundle (with
// openapi-fetch bundled in, so that the package has no dependencies), each beside its
// declarations and a package.json that says which module format the folder holds.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const sdk = join(root, 'libs', 'sdk');
const dist = join(sdk, 'dist');
const tsconfig = join(sdk, 'tsconfig.lib.json');

rmSync(dist, { recursive: true, force: true });

const formats = { esm: 'module', cjs: 'commonjs' };
for (const [format, type] of Object.entries(formats)) {
  await build({
    entryPoints: [join(sdk, 'src', 'index.ts')],
    outfile: join(dist, format, 'index.js'),
    bundle: true,
    format,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    sourcemap: true,
    tsconfig,
    logLevel: 'warning',
  });
  writeFileSync(join(dist, format, 'package.json'), `${JSON.stringify({ type })}\n`);
}

const types = join(dist, 'types');
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
for (const format of Object.keys(formats)) cpSync(types, join(dist, format), { recursive: true });
rmSync(types, { recursive: true });
