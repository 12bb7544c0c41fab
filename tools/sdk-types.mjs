// Writes libs/sdk/src/generated/openapi.ts: the TypeScript types of docs/openapi.json, by
// openapi-typescript, formatted as the repository formats its code. `--stdout` prints the file
// instead of writing it, so that a test can compare it with the one checked in.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import prettier from 'prettier';

const root = join(import.meta.dirname, '..');
const target = join(root, 'libs', 'sdk', 'src', 'generated', 'openapi.ts');

const HEADER = `/**
 * The types of the komputer API, from docs/openapi.json. \`npm run sdk:types\` writes this file:
 * do not edit it.
 */

`;

const document = JSON.parse(readFileSync(join(root, 'docs', 'openapi.json'), 'utf8'));
const ast = await openapiTS(document);
const options = await prettier.resolveConfig(target);
const source = await prettier.format(HEADER + astToString(ast), { ...options, filepath: target });

if (process.argv.includes('--stdout')) process.stdout.write(source);
else writeFileSync(target, source);
