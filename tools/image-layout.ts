// `npm run image:layout -- <app> [dir]`: writes the app's image layout, the files its Dockerfile
// copies, into dir (default dist/images/<app>), replacing what was there.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IMAGES, isImageApp, writeImageLayout } from './images/layout';

async function main(): Promise<void> {
  const [app = '', dir] = process.argv.slice(2);
  if (!isImageApp(app)) {
    process.stderr.write(
      `usage: npm run image:layout -- <app> [dir]\napps: ${Object.keys(IMAGES).join(', ')}\n`,
    );
    process.exit(2);
  }
  const root = join(__dirname, '..', '..');
  const out = resolve(dir ?? join(root, 'dist', 'images', app));
  rmSync(out, { recursive: true, force: true });
  const layout = await writeImageLayout(root, app, out);
  const mib = (layout.bytes / 2 ** 20).toFixed(1);
  process.stdout.write(
    `${app}: ${out}, ${layout.packages.size} packages, ${mib} MiB (budget ${IMAGES[app].budgetMiB} MiB)\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
