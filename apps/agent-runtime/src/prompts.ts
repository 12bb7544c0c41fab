import type { RuntimeAgent } from '@komputer/contracts';

/** Options for {@link systemPrompt}. */
export interface SystemPromptOptions {
  agent: RuntimeAgent;
  /** The workspace directory, as the agent's tools see it. */
  workspace: string;
  /** Names of the tools the agent has. */
  tools: string[];
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

/**
 * The system prompt for a task: the agent's own `systemPrompt`, when it has one, then the
 * built-in prompt for its role and a description of its environment.
 */
export function systemPrompt(options: SystemPromptOptions): string {
  const environment =
    `Your workspace is ${options.workspace}. It is your working directory, it persists between ` +
    'tasks, and file tools can only reach inside it; relative paths are resolved against it. ' +
    `Your tools: ${options.tools.join(', ')}. Your conversation continues from task to task, ` +
    'so earlier tasks and their results may be above.';
  return [options.agent.systemPrompt, ROLE_PROMPTS[options.agent.role], environment]
    .filter((part) => part !== undefined && part.trim() !== '')
    .join('\n\n');
}
