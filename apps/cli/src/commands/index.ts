import type { Entry } from '../args';
import type { Context } from '../context';
import { AGENT_COMMANDS } from './agents';
import { APPROVAL_COMMANDS } from './approvals';
import { CONFIG_GROUP } from './config';
import { KEYS_GROUP } from './keys';
import { GOVERNANCE_COMMANDS } from './governance';
import { RESOURCE_COMMANDS } from './resources';
import { TEAM_COMMANDS } from './teams';

/** Every command, in the order `komputer --help` lists them. */
export const COMMANDS: readonly Entry<Context>[] = [
  ...AGENT_COMMANDS,
  ...APPROVAL_COMMANDS,
  ...RESOURCE_COMMANDS,
  ...TEAM_COMMANDS,
  KEYS_GROUP,
  ...GOVERNANCE_COMMANDS,
  CONFIG_GROUP,
];
