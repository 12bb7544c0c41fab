import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEFAULT_STATE_DIR } from '@komputer/contracts';
import type { RuntimeSkill } from '@komputer/contracts';
import { resolveInWorkspace } from './tools/workspace-path';

/** Where the skills of the current task are, relative to the workspace. */
export function skillsDir(stateDir: string = DEFAULT_STATE_DIR): string {
  return join(stateDir, 'skills');
}

/** Where the skills of a runtime in its own workspace are. */
export const SKILLS_DIR = skillsDir();

/** The file of one skill, relative to the workspace: `ops/deploy` nests, like its reference. */
export function skillFile(name: string, stateDir: string = DEFAULT_STATE_DIR): string {
  return join(skillsDir(stateDir), ...name.split('/'), 'SKILL.md');
}

/** A skill file: front matter (the description as a JSON string, which YAML reads) and content. */
function skillDocument(skill: RuntimeSkill): string {
  const front = `---\nname: ${skill.name}\ndescription: ${JSON.stringify(skill.description)}\n---`;
  return `${front}\n\n${skill.content.endsWith('\n') ? skill.content : `${skill.content}\n`}`;
}

/**
 * Writes the task's skills into the workspace (a real path), in place of what the last task had
 * there, so that a detached skill's file is gone too. Skill names are DNS labels (checked with
 * the task message), and every path is resolved through symbolic links and must stay inside the
 * workspace, so that a link the agent made cannot send a write or the removal elsewhere.
 */
export async function writeSkills(
  workspace: string,
  skills: readonly RuntimeSkill[],
  stateDir: string = DEFAULT_STATE_DIR,
): Promise<void> {
  await rm(await resolveInWorkspace(workspace, skillsDir(stateDir)), {
    recursive: true,
    force: true,
  });
  for (const skill of skills) {
    const file = await resolveInWorkspace(workspace, skillFile(skill.name, stateDir));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(await resolveInWorkspace(workspace, file), skillDocument(skill));
  }
}
