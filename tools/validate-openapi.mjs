// Validates an OpenAPI document file against the official 3.x JSON schemas.
// Usage: node tools/validate-openapi.mjs <file>. Exit 0 when valid; prints the errors otherwise.
import { Validator } from '@seriousme/openapi-schema-validator';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node tools/validate-openapi.mjs <file>\n');
  process.exit(2);
}
const validator = new Validator();
const result = await validator.validate(file);
if (!result.valid) {
  process.stderr.write(`${JSON.stringify(result.errors, null, 2)}\n`);
  process.exit(1);
}
process.stdout.write(`valid OpenAPI ${validator.version}\n`);
