import type { GroupSpec } from '../args';
import type { ConfigKey } from '../config';
import {
  checkNamespace,
  CONFIG_KEYS,
  readConfigFile,
  writeConfigFile,
  normaliseApi,
} from '../config';
import type { Context } from '../context';
import { printJson } from '../context';
import { UsageError } from '../errors';
import { EXIT } from '../exit-codes';
import { renderFields } from '../render';

function configKey(word: string): ConfigKey {
  const key = CONFIG_KEYS.find((k) => k === word);
  if (!key) throw new UsageError(`unknown setting "${word}": one of ${CONFIG_KEYS.join(', ')}`);
  return key;
}

const CHECKS: Record<ConfigKey, (value: string, from: string) => string> = {
  api: normaliseApi,
  namespace: checkNamespace,
};

/** `komputer config`: the settings in force, and the config file that holds defaults for them. */
export const CONFIG_GROUP: GroupSpec<Context> = {
  name: 'config',
  summary: 'The config file: the API and namespace to use when no flag says otherwise',
  commands: [
    {
      name: 'show',
      positionals: { min: 0, max: 0 },
      summary: 'Show the settings in force, where each comes from, and the config file’s path',
      examples: ['komputer config show', 'komputer config show --api http://k.example:8080'],
      async run(context) {
        const { api, namespace } = context.settings;
        if (context.json) {
          printJson(context, { path: context.configPath, api, namespace });
          return EXIT.OK;
        }
        const lines = renderFields(
          [
            ['config file', context.configPath],
            ['api', `${api.value} (${api.source})`],
            ['namespace', `${namespace.value} (${namespace.source})`],
          ],
          context.style,
        );
        for (const line of lines) context.out.line(line);
        return EXIT.OK;
      },
    },
    {
      name: 'set',
      args: '<api|namespace> <value>',
      positionals: { min: 2, max: 2 },
      summary: 'Save a setting in the config file',
      examples: [
        'komputer config set api http://komputer.internal:8080',
        'komputer config set namespace team-a',
      ],
      async run(context) {
        const [word, value] = context.positionals as [string, string];
        const key = configKey(word);
        const file = readConfigFile(context.configPath);
        file[key] = CHECKS[key](value, key);
        writeConfigFile(context.configPath, file);
        if (context.json) printJson(context, file);
        else context.out.line(`Set ${key} to ${file[key]} in ${context.configPath}.`);
        return EXIT.OK;
      },
    },
    {
      name: 'unset',
      args: '<api|namespace>',
      positionals: { min: 1, max: 1 },
      summary: 'Remove a setting from the config file',
      examples: ['komputer config unset namespace'],
      async run(context) {
        const key = configKey(context.positionals[0] as string);
        const { [key]: _removed, ...rest } = readConfigFile(context.configPath);
        writeConfigFile(context.configPath, rest);
        if (context.json) printJson(context, rest);
        else context.out.line(`Removed ${key} from ${context.configPath}.`);
        return EXIT.OK;
      },
    },
  ],
};
