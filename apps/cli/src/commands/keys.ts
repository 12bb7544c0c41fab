import type { AccessLevel, ApiKey, ApiKeySecret } from '@komputer/sdk';
import type { GroupSpec, OptionSpecs } from '../args';
import type { Context } from '../context';
import { printJson, stringOption } from '../context';
import { UsageError } from '../errors';
import { EXIT } from '../exit-codes';
import { renderFields, renderTable } from '../render';
import { call, nameOf } from './resources';

const LEVELS: readonly AccessLevel[] = ['read', 'write', 'admin'];

const namespacesOf = (key: ApiKey) => (key.namespaces === '*' ? '*' : key.namespaces.join(','));

function showKey(context: Context, key: ApiKey | ApiKeySecret): number {
  if (context.json) {
    printJson(context, key);
    return EXIT.OK;
  }
  const fields: [string, string | undefined][] = [
    ['id', key.id],
    ['name', key.name],
    ['namespaces', namespacesOf(key)],
    ['level', key.level],
    ['created', key.createdAt],
    ['rotated', key.rotatedAt],
  ];
  for (const line of renderFields(fields, context.style)) context.out.line(line);
  if ('key' in key) {
    context.out.line('');
    context.out.line(key.key);
    context.note('This key string is shown once: keep it now.');
  }
  return EXIT.OK;
}

/** `--namespaces a,b` or `--namespaces '*'`. */
function namespacesOption(context: Context): '*' | string[] {
  const value = stringOption(context, 'namespaces') ?? '*';
  if (value === '*') return '*';
  const list = value.split(',').map((namespace) => namespace.trim());
  if (list.some((namespace) => namespace === ''))
    throw new UsageError(`--namespaces: "${value}" is not a list of namespaces, nor "*"`);
  return list;
}

function levelOption(context: Context): AccessLevel {
  const value = stringOption(context, 'level') ?? 'write';
  const level = LEVELS.find((l) => l === value);
  if (!level) throw new UsageError(`--level: "${value}" is not one of ${LEVELS.join(', ')}`);
  return level;
}

/** `komputer keys`: API keys, which need an admin key. */
export const KEYS_GROUP: GroupSpec<Context> = {
  name: 'keys',
  aliases: ['key'],
  summary: 'API keys: create, list, rotate and revoke them (needs an admin key)',
  commands: [
    {
      name: 'create',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Create a key; its key string is printed this once',
      options: {
        namespaces: {
          type: 'string',
          value: '<a,b|*>',
          description: 'The namespaces it reaches, comma-separated, or "*" for all (default "*")',
        },
        level: {
          type: 'string',
          value: '<level>',
          description: 'read, write (the default) or admin',
        },
      } as const satisfies OptionSpecs,
      examples: ['komputer keys create ci --namespaces team-a --level write'],
      async run(context) {
        const key = await context.client.keys.create(
          {
            name: nameOf(context),
            namespaces: namespacesOption(context),
            level: levelOption(context),
          },
          call(context),
        );
        return showKey(context, key);
      },
    },
    {
      name: 'ls',
      aliases: ['list'],
      positionals: { min: 0, max: 0 },
      summary: 'List the keys, without their secrets',
      async run(context) {
        const keys = await context.client.keys.list(call(context));
        if (context.json) printJson(context, keys);
        else if (keys.length === 0) context.note('No API keys.');
        else
          for (const line of renderTable(
            ['ID', 'NAME', 'LEVEL', 'NAMESPACES', 'CREATED'],
            keys.map((k) => [k.id, k.name, k.level, namespacesOf(k), k.createdAt]),
            context.style,
          ))
            context.out.line(line);
        return EXIT.OK;
      },
    },
    {
      name: 'get',
      args: '<id>',
      positionals: { min: 1, max: 1 },
      summary: 'Show a key, without its secret',
      async run(context) {
        return showKey(context, await context.client.keys.get(nameOf(context), call(context)));
      },
    },
    {
      name: 'rotate',
      args: '<id>',
      positionals: { min: 1, max: 1 },
      summary: 'Give a key a new secret; the old key string stops working',
      async run(context) {
        return showKey(context, await context.client.keys.rotate(nameOf(context), call(context)));
      },
    },
    {
      name: 'revoke',
      aliases: ['rm'],
      args: '<id>',
      positionals: { min: 1, max: 1 },
      summary: 'Revoke a key: it stops working at once, and its streams end',
      async run(context) {
        const id = nameOf(context);
        const answer = await context.client.keys.revoke(id, call(context));
        if (context.json) printJson(context, answer);
        else context.out.line(`Revoked key ${id}.`);
        return EXIT.OK;
      },
    },
  ],
};
