import type { RuntimeAgent, RuntimeMemory, RuntimeSkill } from '@komputer/contracts';
import { skillFile } from './skills';

/** Options for {@link systemPrompt}. */
export interface SystemPromptOptions {
  agent: RuntimeAgent;
  /** The workspace directory, as the agent's tools see it. */
  workspace: string;
  /** Where, relative to the workspace, the runtime's own files (skills) are. */
  stateDir?: string;
  /** Names of the tools the agent has. */
  tools: string[];
  /** The agent's memories, appended last. */
  memories: readonly RuntimeMemory[];
  /** The agent's skills, whose files are in the workspace. */
  skills: readonly RuntimeSkill[];
}

const ROLE_PROMPTS: Record<RuntimeAgent['role'], string> = {
  worker:
    'You are a komputer worker agent. You receive tasks and carry them out on your own, with ' +
    'your tools, without asking for confirmation: nobody is watching live to answer questions. ' +
    'Work step by step, check your results (run the code, read the file back), and finish with ' +
    'a short summary of what you did and anything left undone.',
  manager:
    'You are a komputer manager agent. You own the outcome of the tasks you receive: plan the ' +
    'work, break it into steps, carry them out with your tools, check each result before you ' +
    'build on it, and finish with a short report of what was done, by whom, and what is left. ' +
    'Nobody is watching live to answer questions, so decide for yourself and say why.',
};

/** What a manager with platform tools is told of them. */
const TEAM_PROMPT =
  'You can run a team: create_agent creates a worker agent and gives it a task (or gives an ' +
  'existing agent its next task), and await_agents waits until their tasks end and returns ' +
  'each result. Split work that can run in parallel across workers, give each a complete, ' +
  'self-contained task, wait for them, check their results and combine them. Work you give ' +
  'to workers counts against your own budget.';

/** The list of the agent's skills: what each is for, and the file that holds it. */
function skillsSection(skills: readonly RuntimeSkill[], stateDir?: string): string | undefined {
  if (skills.length === 0) return undefined;
  const list = skills.map(
    (skill) =>
      `- ${skill.name}: ${skill.description.replace(/\s+/g, ' ').trim()} (${skillFile(skill.name, stateDir)})`,
  );
  return [
    'Your skills are instructions kept in files in your workspace. When a task matches a ' +
      "skill's description, read its file first and follow it:",
    ...list,
  ].join('\n');
}

/** The agent's memories, each between tags that name it, so that none runs into the next. */
function memoriesSection(memories: readonly RuntimeMemory[]): string | undefined {
  if (memories.length === 0) return undefined;
  return [
    'Your memories: what you have been given to know and keep in mind in every task.',
    ...memories.map((m) => `<memory name="${m.name}">\n${m.content.trim()}\n</memory>`),
  ].join('\n');
}

/**
 * The system prompt for a task: the agent's own `systemPrompt`, when it has one, then the
 * built-in prompt for its role, a description of its environment, its skills and, last, its
 * memories.
 */
export function systemPrompt(options: SystemPromptOptions): string {
  const environment =
    `Your workspace is ${options.workspace}. It is your working directory, it persists between ` +
    'tasks, and file tools can only reach inside it; relative paths are resolved against it. ' +
    `Your tools: ${options.tools.join(', ')}. Your conversation continues from task to task, ` +
    'so earlier tasks and their results may be above.';
  return [
    options.agent.systemPrompt,
    ROLE_PROMPTS[options.agent.role],
    options.tools.includes('await_agents') ? TEAM_PROMPT : undefined,
    environment,
    skillsSection(options.skills, options.stateDir),
    memoriesSection(options.memories),
  ]
    .filter((part) => part !== undefined && part.trim() !== '')
    .join('\n\n');
}
