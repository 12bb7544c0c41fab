import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

describe('the generated types', () => {
  it('are what openapi-typescript makes of docs/openapi.json (run `npm run sdk:types`)', () => {
    const generated = execFileSync(
      process.execPath,
      [join(root, 'tools', 'sdk-types.mjs'), '--stdout'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const checkedIn = readFileSync(
      join(root, 'libs', 'sdk', 'src', 'generated', 'openapi.ts'),
      'utf8',
    );
    expect(checkedIn).toBe(generated);
  });
});
