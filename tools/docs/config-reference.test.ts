import { z } from 'zod';
import { renderConfigReference } from './config-reference';

const rows = (table: string) => table.split('\n').slice(2);

it('gives each variable its type, default, readers and description, sorted by name', () => {
  const table = renderConfigReference([
    {
      service: 'one',
      schema: z.object({
        PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('HTTP port'),
        A_TIMEOUT_MS: z.coerce.number().int().min(1).default(90_000).describe('Wait | bound'),
        FLAG: z.stringbool().default(true).describe('A switch'),
        KEY: z.string().describe('A key'),
      }),
    },
    {
      service: 'two',
      schema: z.object({
        PORT: z.coerce.number().int().min(0).max(65535).default(8081).describe('HTTP port'),
        URL: z.url().optional().describe('Somewhere'),
      }),
    },
  ]);
  expect(rows(table)).toEqual([
    '| `A_TIMEOUT_MS` | integer, at least 1 | `90000` (90 s) | one | Wait \\| bound. |',
    '| `FLAG` | boolean | `true` | one | A switch. |',
    '| `KEY` | string | required | one | A key. |',
    '| `PORT` | integer, 0-65535 | `8080`; two: `8081` | one, two | HTTP port. |',
    '| `URL` | URL | unset | two | Somewhere. |',
  ]);
});

it('shows a variable that one service hands to another once, with an arrow', () => {
  const VAR = z.coerce.number().default(1).describe('Handed on');
  const table = renderConfigReference([
    { service: 'scheduler', schema: z.object({ VAR }) },
    {
      service: 'runtime',
      schema: z.object({ VAR }),
      handedBy: { service: 'scheduler', variables: ['VAR'] },
    },
  ]);
  expect(rows(table)).toEqual(['| `VAR` | number | `1` | scheduler → runtime | Handed on. |']);
});

it('refuses a variable without a description, or with two different ones', () => {
  expect(() =>
    renderConfigReference([{ service: 'one', schema: z.object({ BARE: z.string() }) }]),
  ).toThrow('BARE has no description in one');
  expect(() =>
    renderConfigReference([
      { service: 'one', schema: z.object({ X: z.string().describe('this') }) },
      { service: 'two', schema: z.object({ X: z.string().describe('that') }) },
    ]),
  ).toThrow('X has different descriptions');
});
