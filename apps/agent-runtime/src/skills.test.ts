import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeSkillSchema } from '@komputer/contracts';
import { skillFile, writeSkills } from './skills';

let base: string;
let workspace: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'komputer-skills-')));
  workspace = join(base, 'workspace');
  await mkdir(workspace);
});

afterEach(() => rm(base, { recursive: true, force: true }));

const skill = (name: string) => ({
  name,
  description: `use ${name}\nwisely`,
  content: `do ${name}`,
});

describe('skill files', () => {
  it('writes one SKILL.md per skill, and removes those of skills no longer attached', async () => {
    await writeSkills(workspace, [skill('review'), skill('ops/deploy')]);
    expect(await readFile(join(workspace, skillFile('review')), 'utf8')).toBe(
      '---\nname: review\ndescription: "use review\\nwisely"\n---\n\ndo review\n',
    );
    expect(skillFile('ops/deploy')).toBe(join('.komputer', 'skills', 'ops', 'deploy', 'SKILL.md'));
    expect(await readFile(join(workspace, skillFile('ops/deploy')), 'utf8')).toContain(
      'do ops/deploy',
    );

    await writeSkills(workspace, [skill('review')]);
    expect(await readdir(join(workspace, '.komputer', 'skills'))).toEqual(['review']);
    await writeSkills(workspace, []);
    expect(await readdir(join(workspace, '.komputer', 'skills')).catch(() => [])).toEqual([]);
  });

  it('neither writes nor removes anything outside the workspace through a symbolic link', async () => {
    const outside = join(base, 'outside');
    await mkdir(join(outside, 'skills'), { recursive: true });
    await writeFile(join(outside, 'skills', 'keep.txt'), 'precious');
    await symlink(outside, join(workspace, '.komputer'));
    await expect(writeSkills(workspace, [skill('review')])).rejects.toThrow(
      /outside the workspace/,
    );
    expect(await readdir(join(outside, 'skills'))).toEqual(['keep.txt']);
  });

  it('takes only names that are safe as paths in the task message', () => {
    for (const name of ['../escape', 'a/b/c', '/abs', 'UPPER', '.hidden', '']) {
      expect(RuntimeSkillSchema.safeParse(skill(name)).success).toBe(false);
    }
    expect(RuntimeSkillSchema.safeParse(skill('ops/deploy')).success).toBe(true);
  });
});
