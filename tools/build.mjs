// Bundles every app's src/main.ts into dist/apps/<app>/main.js, and tools/*.ts and bench/*.ts
// into dist/tools and dist/bench.
// Workspace libs are bundled in (through tsconfig paths); npm packages stay external.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const entryPoints = {};
for (const app of readdirSync(join(root, 'apps'))) {
  const main = join(root, 'apps', app, 'src', 'main.ts');
  if (existsSync(main)) entryPoints[`apps/${app}/main`] = main;
}
for (const dir of ['tools', 'bench']) {
  for (const file of readdirSync(join(root, dir))) {
    if (file.endsWith('.ts')) entryPoints[`${dir}/${file.slice(0, -3)}`] = join(root, dir, file);
  }
}

const result = await build({
  entryPoints,
  outdir: join(root, 'dist'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  tsconfig: join(root, 'tsconfig.base.json'),
  logLevel: 'warning',
  write: false,
});

// Tests build too, sometimes several at once: each file is replaced in one rename, so that a
// runtime starting meanwhile never reads half a bundle. A bundle that starts with `#!` (the
// `komputer` CLI) is made executable.
for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  const temporary = `${file.path}.${process.pid}.tmp`;
  const executable = file.contents[0] === 0x23 && file.contents[1] === 0x21;
  writeFileSync(temporary, file.contents, { mode: executable ? 0o755 : 0o644 });
  renameSync(temporary, file.path);
}
