// Rewrites libs/sdk/README.md in place with absolute links, before the release workflow
// publishes the package: the registry shows the README apart from the repository, where its
// relative links lead nowhere. Usage: node dist/tools/release-sdk-readme.js <repository-url> <ref>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { absoluteLinks } from './release/readme-links';

const [repository, ref] = process.argv.slice(2);
if (!repository || !ref) {
  console.error('usage: release-sdk-readme <repository-url> <ref>');
  process.exit(64);
}
const page = 'libs/sdk/README.md';
const file = join(__dirname, '..', '..', page);
const base = `${repository.replace(/\/+$/, '')}/blob/${ref}`;
writeFileSync(file, absoluteLinks(readFileSync(file, 'utf8'), page, base));
console.log(`${page}: links now absolute under ${base}`);
