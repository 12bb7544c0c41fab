// Writes docs/api-reference.md from docs/openapi.json, and the configuration reference in
// docs/operations.md from the config schemas (`npm run docs`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedDocs } from './docs/generated-docs';

for (const { path, text } of generatedDocs(join(__dirname, '..', '..'))) {
  writeFileSync(path, text);
  process.stdout.write(`wrote ${path}\n`);
}
