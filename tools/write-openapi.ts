// Writes the OpenAPI document built from libs/contracts to docs/openapi.json (`npm run openapi`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '@komputer/contracts';

const target = join(__dirname, '..', '..', 'docs', 'openapi.json');
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
