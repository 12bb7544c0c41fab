import type {
  Connector,
  CreateConnectorParams,
  CreateSecretParams,
  Memory,
  Schedule,
  Skill,
  Template,
  TemplateScope,
} from '@komputer/sdk';
import type { CommandSpec, GroupSpec, OptionSpecs } from '../args';
import type { Context } from '../context';
import {
  bodyFrom,
  flag,
  intOption,
  joined,
  pairsOption,
  printJson,
  readText,
  stringOption,
} from '../context';
import { UsageError } from '../errors';
import { EXIT } from '../exit-codes';
import { formatAge, renderFields, renderTable } from '../render';

type Command = CommandSpec<Context>;
type Group = GroupSpec<Context>;

const FILE_OPTION = {
  file: {
    type: 'string',
    short: 'f',
    value: '<file.json>',
    description: 'The request body as JSON (flags win over its fields); "-" reads stdin',
  },
} as const satisfies OptionSpecs;

const FORCE_OPTION = {
  force: { type: 'boolean', description: 'Delete it even while agents use it' },
} as const satisfies OptionSpecs;

/** The resource's name: the command's first positional. */
export const nameOf = (context: Context) => context.positionals[0] as string;
/** The options of an SDK call that the command makes: its signal. */
export const call = (context: Context) => ({ signal: context.signal });

/** Prints a list: JSON, a table, or a note that there is nothing. */
export function printList<T>(
  context: Context,
  kind: string,
  items: readonly T[],
  headers: readonly string[],
  row: (item: T) => string[],
): number {
  if (context.json) printJson(context, items);
  else if (items.length === 0)
    context.note(`No ${kind} in namespace ${context.settings.namespace.value}.`);
  else
    for (const line of renderTable(headers, items.map(row), context.style)) context.out.line(line);
  return EXIT.OK;
}

/** Prints one resource: JSON, or `key: value` lines. */
export function printOne(
  context: Context,
  value: unknown,
  fields: readonly (readonly [string, string | undefined])[],
): number {
  if (context.json) printJson(context, value);
  else for (const line of renderFields(fields, context.style)) context.out.line(line);
  return EXIT.OK;
}

/** Prints what a change answered: JSON, or a sentence. */
function printDone(context: Context, answer: unknown, sentence: string): number {
  if (context.json) printJson(context, answer);
  else context.out.line(sentence);
  return EXIT.OK;
}

const used = (r: { attachedAgents: number; agentNames: readonly string[] }) =>
  r.attachedAgents === 0 ? '-' : joined(r.agentNames);

// Connectors

function connectorFields(c: Connector): [string, string | undefined][] {
  return [
    ['name', c.name],
    ['namespace', c.namespace],
    ['service', c.service],
    ['display name', c.displayName],
    ['url', c.url],
    ['type', c.type],
    ['auth', c.authType && `${c.authType}${c.headerName ? ` (${c.headerName})` : ''}`],
    ['secret', c.authSecretName && `${c.authSecretName}/${c.authSecretKey ?? ''}`],
    ['oauth', c.oauthStatus && `${c.oauthStatus}${c.oauthError ? ` (${c.oauthError})` : ''}`],
    ['agents', used(c)],
    ['created', c.createdAt],
  ];
}

const connector: Group = {
  name: 'connector',
  aliases: ['connectors'],
  summary: 'MCP servers that agents can be given',
  commands: [
    {
      name: 'ls',
      aliases: ['list'],
      positionals: { min: 0, max: 0 },
      summary: 'List the connectors',
      async run(context) {
        const items = await context.client.connectors.list(call(context));
        const now = context.now();
        return printList(
          context,
          'connectors',
          items,
          ['NAME', 'SERVICE', 'URL', 'AUTH', 'AGENTS', 'AGE'],
          (c) => [
            c.name,
            c.service,
            c.url,
            c.authType ?? '-',
            used(c),
            formatAge(c.createdAt, now),
          ],
        );
      },
    },
    {
      name: 'get',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Show a connector',
      async run(context) {
        const c = await context.client.connectors.get(nameOf(context), call(context));
        return printOne(context, c, connectorFields(c));
      },
    },
    {
      name: 'create',
      aliases: ['apply'],
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Create a connector, or replace the settings of one that exists',
      options: {
        url: {
          type: 'string',
          value: '<url>',
          description: 'The MCP server (Streamable HTTP or SSE)',
        },
        service: {
          type: 'string',
          value: '<service>',
          description: 'What it is (default: its name)',
        },
        'display-name': { type: 'string', value: '<text>', description: 'A name for people' },
        'auth-type': {
          type: 'string',
          value: '<token|header|oauth>',
          description:
            'token: Authorization: Bearer <value>; header: <header-name>: <value>; oauth: a token from `connector authorize`',
        },
        'header-name': {
          type: 'string',
          value: '<header>',
          description: 'With --auth-type header',
        },
        'auth-secret': {
          type: 'string',
          value: '<secret>',
          description: 'The secret that holds the credential',
        },
        'auth-secret-key': { type: 'string', value: '<key>', description: 'Its key' },
        'oauth-client-id': {
          type: 'string',
          value: '<id>',
          description: 'With --auth-type oauth (a client secret goes in the -f file)',
        },
        ...FILE_OPTION,
      },
      examples: [
        'komputer connector create github --url https://mcp.example.com/mcp \\\n    --auth-type token --auth-secret github-auth --auth-secret-key token',
        'komputer connector create github -f github.json',
      ],
      async run(context) {
        const name = nameOf(context);
        const body = bodyFrom(context, {
          name,
          url: stringOption(context, 'url'),
          service: stringOption(context, 'service'),
          displayName: stringOption(context, 'display-name'),
          authType: stringOption(context, 'auth-type'),
          headerName: stringOption(context, 'header-name'),
          authSecretName: stringOption(context, 'auth-secret'),
          authSecretKey: stringOption(context, 'auth-secret-key'),
          oauthClientId: stringOption(context, 'oauth-client-id'),
        });
        if (body['url'] === undefined) throw new UsageError('connector create: --url is required');
        body['service'] ??= name;
        const c = await context.client.connectors.create(
          body as CreateConnectorParams,
          call(context),
        );
        return printDone(context, c, `Saved connector ${c.name}.`);
      },
    },
    {
      name: 'rm',
      aliases: ['delete'],
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Delete a connector',
      options: FORCE_OPTION,
      async run(context) {
        const name = nameOf(context);
        const answer = await context.client.connectors.delete(
          name,
          { force: flag(context, 'force') },
          call(context),
        );
        return printDone(context, answer, `Deleted connector ${name}.`);
      },
    },
    {
      name: 'authorize',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Start the consent of an OAuth connector: prints the URL to open',
      async run(context) {
        const name = nameOf(context);
        const answer = await context.client.connectors.authorize(name, call(context));
        if (context.json) printJson(context, answer);
        else {
          context.out.line(`Open this URL to connect ${name}:`);
          context.out.line(answer.authorizeUrl);
        }
        return EXIT.OK;
      },
    },
    {
      name: 'templates',
      positionals: { min: 0, max: 0 },
      summary: 'List known MCP services, with their URL and credential',
      examples: ['komputer connector templates', 'komputer connector templates --json'],
      async run(context) {
        const templates = await context.client.connectors.templates(call(context));
        if (context.json) printJson(context, templates);
        else
          for (const line of renderTable(
            ['SERVICE', 'NAME', 'AUTH', 'URL'],
            templates.map((t) => [
              t.service,
              t.displayName,
              t.authType === 'token' ? `token (${t.authLabel})` : t.authType,
              t.url === '__custom__' ? '(any URL)' : t.url,
            ]),
            context.style,
          ))
            context.out.line(line);
        return EXIT.OK;
      },
    },
    {
      name: 'tools',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'List the tools the connector’s MCP server offers',
      async run(context) {
        const answer = await context.client.connectors.tools(nameOf(context), call(context));
        if (context.json) printJson(context, answer);
        else
          for (const line of renderTable(
            ['TOOL', 'DESCRIPTION'],
            answer.tools.map((t) => [t.name, (t.description ?? '').split('\n')[0] ?? '']),
            context.style,
          ))
            context.out.line(line);
        return EXIT.OK;
      },
    },
  ],
};

// Secrets

const SECRET_DATA_OPTIONS = {
  data: {
    type: 'string',
    multiple: true,
    value: '<key=value>',
    description: 'A key and its value (visible to other users of this machine: prefer --from-file)',
  },
  'from-file': {
    type: 'string',
    multiple: true,
    value: '<key=path>',
    description: 'A key whose value is a file’s content; "-" reads stdin',
  },
  ...FILE_OPTION,
} as const satisfies OptionSpecs;

/** `{ data }` from --data, --from-file and --file. */
function secretBody(context: Context, name: string | undefined): Record<string, unknown> {
  const files = pairsOption(context, 'from-file') ?? {};
  const fromFiles = Object.fromEntries(
    Object.entries(files).map(([key, path]) => [key, readText(path, '--from-file')]),
  );
  const given = { ...pairsOption(context, 'data'), ...fromFiles };
  const body = bodyFrom(context, { name });
  const data = { ...(body['data'] as Record<string, string> | undefined), ...given };
  if (Object.keys(data).length === 0)
    throw new UsageError('give the secret at least one key: --data, --from-file or --file');
  return { ...body, data };
}

const secret: Group = {
  name: 'secret',
  aliases: ['secrets'],
  summary: 'Key-value credentials, encrypted at rest; values are never shown',
  commands: [
    {
      name: 'ls',
      aliases: ['list'],
      positionals: { min: 0, max: 0 },
      summary: 'List the secrets: their key names and the agents that use them',
      async run(context) {
        const items = await context.client.secrets.list(call(context));
        const now = context.now();
        return printList(context, 'secrets', items, ['NAME', 'KEYS', 'AGENTS', 'AGE'], (s) => [
          s.name,
          joined(s.keys),
          used(s),
          formatAge(s.createdAt, now),
        ]);
      },
    },
    {
      name: 'create',
      aliases: ['apply'],
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Create a secret, or replace the data of one that exists',
      options: SECRET_DATA_OPTIONS,
      examples: [
        'komputer secret create github-auth --from-file token=./token.txt',
        'printf %s "$TOKEN" | komputer secret create github-auth --from-file token=-',
      ],
      async run(context) {
        const body = secretBody(context, nameOf(context));
        const s = await context.client.secrets.create(body as CreateSecretParams, call(context));
        return printDone(context, s, `Saved secret ${s.name} (keys: ${joined(s.keys)}).`);
      },
    },
    {
      name: 'update',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Replace the data of a secret that exists',
      options: SECRET_DATA_OPTIONS,
      examples: ['komputer secret update github-auth --from-file token=./new-token.txt'],
      async run(context) {
        const name = nameOf(context);
        const { data } = secretBody(context, undefined) as { data: Record<string, string> };
        const answer = await context.client.secrets.update(name, { data }, call(context));
        return printDone(context, answer, `Updated secret ${name}.`);
      },
    },
    {
      name: 'rm',
      aliases: ['delete'],
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Delete a secret',
      async run(context) {
        const name = nameOf(context);
        const answer = await context.client.secrets.delete(name, call(context));
        return printDone(context, answer, `Deleted secret ${name}.`);
      },
    },
  ],
};

// Memories and skills: text with a description, attached to agents by name.

/**
 * What `memory` and `skill` call. The bodies are built from the command line and checked by the
 * API, so they are typed `never` here: each SDK resource fits without a cast.
 */
interface TextResourceApi<T> {
  list(options: { signal: AbortSignal }): Promise<T[]>;
  get(name: string, options: { signal: AbortSignal }): Promise<T>;
  create(body: never, options: { signal: AbortSignal }): Promise<T>;
  update(name: string, patch: never, options: { signal: AbortSignal }): Promise<T>;
  delete(
    name: string,
    params: { force?: boolean },
    options: { signal: AbortSignal },
  ): Promise<unknown>;
}

/** The commands of `memory` or `skill`, which differ only in names and words. */
function textResourceGroup<T extends Memory | Skill>(spec: {
  name: string;
  plural: string;
  summary: string;
  /** What the content is, for the help. */
  content: string;
  descriptionRequired: boolean;
  api: (context: Context) => TextResourceApi<T>;
  example: string;
}): Group {
  const { name: kind, plural } = spec;
  const textOptions = {
    content: { type: 'string', value: '<text>', description: spec.content },
    'content-file': {
      type: 'string',
      value: '<path>',
      description: 'The content from a file; "-" reads stdin',
    },
    description: {
      type: 'string',
      value: '<text>',
      description: `What it is for${spec.descriptionRequired ? ' (required)' : ''}`,
    },
    ...FILE_OPTION,
  } as const satisfies OptionSpecs;
  const body = (context: Context, name: string | undefined) => {
    const file = stringOption(context, 'content-file');
    const inline = stringOption(context, 'content');
    if (file !== undefined && inline !== undefined)
      throw new UsageError('give --content or --content-file, not both');
    return bodyFrom(context, {
      name,
      content: file === undefined ? inline : readText(file, '--content-file'),
      description: stringOption(context, 'description'),
    });
  };
  const fields = (r: T): [string, string | undefined][] => [
    ['name', r.name],
    ['namespace', r.namespace],
    ['description', r.description],
    ['agents', used(r)],
    ['created', r.createdAt],
    ['content', r.content],
  ];
  return {
    name: kind,
    aliases: [plural],
    summary: spec.summary,
    commands: [
      {
        name: 'ls',
        aliases: ['list'],
        positionals: { min: 0, max: 0 },
        summary: `List the ${plural}`,
        async run(context) {
          const items = await spec.api(context).list(call(context));
          const now = context.now();
          return printList(
            context,
            plural,
            items,
            ['NAME', 'DESCRIPTION', 'AGENTS', 'AGE'],
            (r) => [
              r.name,
              (r.description ?? '').split('\n')[0] ?? '',
              used(r),
              formatAge(r.createdAt, now),
            ],
          );
        },
      },
      {
        name: 'get',
        args: '<name>',
        positionals: { min: 1, max: 1 },
        summary: `Show a ${kind} with its content`,
        async run(context) {
          const r = await spec.api(context).get(nameOf(context), call(context));
          return printOne(context, r, fields(r));
        },
      },
      {
        name: 'create',
        aliases: ['apply'],
        args: '<name>',
        positionals: { min: 1, max: 1 },
        summary: `Create a ${kind}, or replace the content and description of one that exists`,
        options: textOptions,
        examples: [spec.example],
        async run(context) {
          const created = body(context, nameOf(context));
          if (created['content'] === undefined)
            throw new UsageError(`${kind} create: give --content, --content-file or --file`);
          const r = await spec.api(context).create(created as never, call(context));
          return printDone(context, r, `Saved ${kind} ${r.name}.`);
        },
      },
      {
        name: 'update',
        args: '<name>',
        positionals: { min: 1, max: 1 },
        summary: `Change the content or the description of a ${kind}`,
        options: textOptions,
        async run(context) {
          const name = nameOf(context);
          const { name: _name, ...patch } = body(context, undefined);
          if (Object.keys(patch).length === 0)
            throw new UsageError(`${kind} update: give --content, --content-file or --description`);
          const r = await spec.api(context).update(name, patch as never, call(context));
          return printDone(context, r, `Updated ${kind} ${r.name}.`);
        },
      },
      {
        name: 'rm',
        aliases: ['delete'],
        args: '<name>',
        positionals: { min: 1, max: 1 },
        summary: `Delete a ${kind}`,
        options: FORCE_OPTION,
        async run(context) {
          const name = nameOf(context);
          const answer = await spec
            .api(context)
            .delete(name, { force: flag(context, 'force') }, call(context));
          return printDone(context, answer, `Deleted ${kind} ${name}.`);
        },
      },
    ],
  };
}

const memory = textResourceGroup<Memory>({
  name: 'memory',
  plural: 'memories',
  summary: 'Text added to the system prompt of every agent that attaches it',
  content: 'The text',
  descriptionRequired: false,
  api: (context) => context.client.memories,
  example: 'komputer memory create style --content "Answer in British English."',
});

const skill = textResourceGroup<Skill>({
  name: 'skill',
  plural: 'skills',
  summary: 'Instructions (SKILL.md) written into the workspace of every agent that attaches it',
  content: 'The SKILL.md text',
  descriptionRequired: true,
  api: (context) => context.client.skills,
  example:
    'komputer skill create release-notes --content-file SKILL.md --description "Write release notes"',
});

const TEMPLATE_SCOPE_OPTION = {
  cluster: {
    type: 'boolean',
    description: 'The cluster-wide template, not the namespace’s',
  },
} as const satisfies OptionSpecs;

const TEMPLATE_OPTIONS = {
  model: { type: 'string', value: '<model>', description: 'The model of agents that name none' },
  description: { type: 'string', value: '<text>', description: 'What the template is for' },
  'max-concurrent-agents': {
    type: 'string',
    value: '<n>',
    description: 'Most of its agents running a task at once; the others’ tasks wait in the queue',
  },
  'warm-pool-size': {
    type: 'string',
    value: '<n>',
    description: 'Ready pods kept for its new agents to claim (kubernetes driver); 0: none',
  },
  ...TEMPLATE_SCOPE_OPTION,
  ...FILE_OPTION,
} as const satisfies OptionSpecs;

const scopeOf = (context: Context): { scope?: TemplateScope } =>
  flag(context, 'cluster') ? { scope: 'cluster' } : {};

/** A template's fields from the flags, over `--file`'s. */
function templateBody(context: Context, name: string | undefined): Record<string, unknown> {
  return bodyFrom(context, {
    name,
    ...scopeOf(context),
    model: stringOption(context, 'model'),
    description: stringOption(context, 'description'),
    maxConcurrentAgents: intOption(context, 'max-concurrent-agents', 1),
    warmPoolSize: intOption(context, 'warm-pool-size', 0),
  });
}

function templateFields(t: Template): [string, string | undefined][] {
  return [
    ['name', t.name],
    ['scope', t.builtin ? 'cluster (built in)' : t.scope],
    ['namespace', t.namespace],
    ['description', t.description],
    ['model', t.model],
    ['limits', Object.keys(t.limits).length > 0 ? JSON.stringify(t.limits) : undefined],
    ['max concurrent', t.maxConcurrentAgents?.toString()],
    ['warm pool', t.warmPoolSize?.toString()],
    ['allowed domains', t.allowedDomains ? joined(t.allowedDomains) : undefined],
    ['storage', t.storage ? JSON.stringify(t.storage) : undefined],
    ['pod spec', t.podSpec ? JSON.stringify(t.podSpec) : undefined],
    ['ttl', t.ttl ? JSON.stringify(t.ttl) : undefined],
  ];
}

const template: Group = {
  name: 'template',
  aliases: ['templates'],
  summary:
    'Agent templates: model, limits, pod settings, storage, allowed domains and a cap of running agents',
  commands: [
    {
      name: 'ls',
      aliases: ['list'],
      positionals: { min: 0, max: 0 },
      summary: 'List the templates the namespace’s agents can name',
      async run(context) {
        const items = await context.client.templates.list(call(context));
        return printList(
          context,
          'templates',
          items,
          ['NAME', 'SCOPE', 'MODEL', 'MAX', 'DESCRIPTION'],
          (t) => [
            t.name,
            t.scope,
            t.model,
            t.maxConcurrentAgents?.toString() ?? '-',
            t.description.split('\n')[0] ?? '',
          ],
        );
      },
    },
    {
      name: 'get',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Show a template',
      options: TEMPLATE_SCOPE_OPTION,
      async run(context) {
        const t = await context.client.templates.get(
          nameOf(context),
          scopeOf(context),
          call(context),
        );
        return printOne(context, t, templateFields(t));
      },
    },
    {
      name: 'create',
      aliases: ['apply'],
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Create a template, or replace every setting of one that exists',
      options: TEMPLATE_OPTIONS,
      examples: [
        'komputer template create coder --model claude-opus-4-1 --max-concurrent-agents 2',
        'komputer template create gpu --cluster -f gpu-template.json',
      ],
      async run(context) {
        const t = await context.client.templates.create(
          templateBody(context, nameOf(context)) as never,
          call(context),
        );
        return printDone(context, t, `Saved template ${t.name}.`);
      },
    },
    {
      name: 'update',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Change some settings of a template; each one given replaces the stored one',
      options: TEMPLATE_OPTIONS,
      async run(context) {
        const { name: _name, scope, ...patch } = templateBody(context, undefined);
        if (Object.keys(patch).length === 0)
          throw new UsageError('template update: give a setting to change, or --file');
        const t = await context.client.templates.update(
          nameOf(context),
          patch as never,
          scope === 'cluster' ? { scope: 'cluster' } : {},
          call(context),
        );
        return printDone(context, t, `Updated template ${t.name}.`);
      },
    },
    {
      name: 'rm',
      aliases: ['delete'],
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Delete a template (refused while agents name it)',
      options: TEMPLATE_SCOPE_OPTION,
      async run(context) {
        const name = nameOf(context);
        const answer = await context.client.templates.delete(name, scopeOf(context), call(context));
        return printDone(context, answer, `Deleted template ${name}.`);
      },
    },
  ],
};

// Schedules

const SCHEDULE_OPTIONS = {
  cron: {
    type: 'string',
    value: '<expression>',
    description: 'When it fires: 5 cron fields, 6 with seconds first, or a macro such as @daily',
  },
  timezone: {
    type: 'string',
    value: '<zone>',
    description: 'The IANA time zone the expression is read in (default UTC)',
  },
  instructions: { type: 'string', value: '<text>', description: 'The task each run gives' },
  agent: {
    type: 'string',
    value: '<name>',
    description: 'The agent its runs task (default: the schedule’s name)',
  },
  model: {
    type: 'string',
    value: '<model>',
    description: 'The model of the agent a run creates when it does not exist',
  },
  template: {
    type: 'string',
    value: '<name>',
    description: 'The template of the agent a run creates when it does not exist',
  },
  suspend: { type: 'boolean', description: 'Stop it firing' },
  resume: { type: 'boolean', description: 'Let a suspended schedule fire again' },
  ...FILE_OPTION,
} as const satisfies OptionSpecs;

/** A schedule's fields from the flags, over `--file`'s. */
function scheduleBody(context: Context, name: string | undefined): Record<string, unknown> {
  if (flag(context, 'suspend') && flag(context, 'resume'))
    throw new UsageError('give --suspend or --resume, not both');
  const model = stringOption(context, 'model');
  const templateRef = stringOption(context, 'template');
  const body = bodyFrom(context, {
    name,
    schedule: stringOption(context, 'cron'),
    timezone: stringOption(context, 'timezone'),
    instructions: stringOption(context, 'instructions'),
    agentName: stringOption(context, 'agent'),
    suspended: flag(context, 'suspend') ? true : flag(context, 'resume') ? false : undefined,
  });
  if (model === undefined && templateRef === undefined) return body;
  const agent = typeof body['agent'] === 'object' && body['agent'] !== null ? body['agent'] : {};
  return {
    ...body,
    agent: {
      ...agent,
      ...(model !== undefined ? { model } : {}),
      ...(templateRef !== undefined ? { templateRef } : {}),
    },
  };
}

function scheduleFields(s: Schedule): [string, string | undefined][] {
  const last =
    s.lastRunTime &&
    `${s.lastRunTime} ${s.lastRunStatus ?? ''}${s.lastRunMessage ? ` (${s.lastRunMessage})` : ''}`;
  return [
    ['name', s.name],
    ['namespace', s.namespace],
    ['schedule', `${s.schedule} (${s.timezone})`],
    ['phase', s.phase],
    ['agent', s.agentName],
    ['instructions', s.instructions.split('\n')[0]],
    ['next run', s.nextRunTime],
    ['last run', last],
    ['last run cost', s.lastRunCostUSD && `$${s.lastRunCostUSD}`],
    [
      'runs',
      `${s.runCount} (${s.successfulRuns} ok, ${s.failedRuns} failed, ${s.skippedRuns} skipped)`,
    ],
    ['total cost', `$${s.totalCostUSD}`],
    ['created', s.createdAt],
  ];
}

const schedule: Group = {
  name: 'schedule',
  aliases: ['schedules'],
  summary: 'Tasks given to agents on a cron expression, in a time zone',
  commands: [
    {
      name: 'ls',
      aliases: ['list'],
      positionals: { min: 0, max: 0 },
      summary: 'List the schedules, with their next and last runs',
      async run(context) {
        const items = await context.client.schedules.list(call(context));
        return printList(
          context,
          'schedules',
          items,
          ['NAME', 'SCHEDULE', 'TIMEZONE', 'AGENT', 'NEXT RUN', 'LAST RUN', 'RUNS'],
          (s) => [
            s.name,
            s.schedule,
            s.timezone,
            s.agentName,
            s.nextRunTime ?? (s.suspended ? 'suspended' : '-'),
            s.lastRunStatus ?? '-',
            String(s.runCount),
          ],
        );
      },
    },
    {
      name: 'get',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Show a schedule: its next run, its last run and its outcome',
      async run(context) {
        const s = await context.client.schedules.get(nameOf(context), call(context));
        return printOne(context, s, scheduleFields(s));
      },
    },
    {
      name: 'create',
      aliases: ['apply'],
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Create a schedule, or replace the settings of one that exists',
      options: SCHEDULE_OPTIONS,
      examples: [
        'komputer schedule create nightly --cron "0 2 * * *" --timezone Europe/Paris --instructions "Summarise the day"',
        'komputer schedule create triage --agent oncall --cron "*/15 * * * *" --instructions "Triage new alerts"',
      ],
      async run(context) {
        const s = await context.client.schedules.create(
          scheduleBody(context, nameOf(context)) as never,
          call(context),
        );
        return printDone(context, s, `Saved schedule ${s.name}; next run ${s.nextRunTime ?? '-'}.`);
      },
    },
    {
      name: 'update',
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Change some settings of a schedule; each one given replaces the stored one',
      options: SCHEDULE_OPTIONS,
      async run(context) {
        const { name: _name, ...patch } = scheduleBody(context, undefined);
        if (Object.keys(patch).length === 0)
          throw new UsageError('schedule update: give a setting to change, or --file');
        const s = await context.client.schedules.update(
          nameOf(context),
          patch as never,
          call(context),
        );
        return printDone(context, s, `Updated schedule ${s.name}.`);
      },
    },
    {
      name: 'trigger',
      aliases: ['run'],
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Run a schedule now (refused while its agent is busy)',
      async run(context) {
        const answer = await context.client.schedules.trigger(nameOf(context), call(context));
        return printDone(
          context,
          answer,
          `Triggered schedule ${answer.name}: task ${answer.taskId} on agent ${answer.agentName}.`,
        );
      },
    },
    {
      name: 'rm',
      aliases: ['delete'],
      args: '<name>',
      positionals: { min: 1, max: 1 },
      summary: 'Delete a schedule (its agents stay)',
      async run(context) {
        const name = nameOf(context);
        const answer = await context.client.schedules.delete(name, call(context));
        return printDone(context, answer, `Deleted schedule ${name}.`);
      },
    },
  ],
};

/** The resource commands. */
export const RESOURCE_COMMANDS: readonly (Group | Command)[] = [
  connector,
  secret,
  memory,
  skill,
  template,
  schedule,
];
