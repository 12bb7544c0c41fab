import {
  ApprovalPolicySchema,
  DEFAULT_APPROVAL_TIMEOUT_SECONDS,
  globMatches,
  needsApproval,
  taskApprovalPolicy,
} from './approvals';

describe('globMatches', () => {
  it.each([
    ['rm *', 'rm -rf build', true],
    ['rm *', 'rm', false],
    ['rm*', 'rm', true],
    ['*curl *', 'ls && curl http://x', true],
    ['git push*', 'git push origin main', true],
    ['git push*', 'git status', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*', '', true],
    ['mcp__github__*', 'mcp__github__create_issue', true],
    ['*.sh', 'run.sh\n', false],
    ['*x*', 'line one\nline x', true],
  ])('%j against %j is %s', (pattern, text, expected) => {
    expect(globMatches(pattern, text)).toBe(expected);
  });

  it('stays quick on a pattern that would make a backtracking matcher explode', () => {
    const started = Date.now();
    expect(globMatches('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5_000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('needsApproval', () => {
  const policy = taskApprovalPolicy(
    { tools: ['Write', 'mcp__github__*'], bashCommands: ['rm *'] },
    undefined,
  );

  it('matches tools by name or glob, and Bash by its trimmed command', () => {
    expect(needsApproval(policy, 'Write', { path: 'a' })).toBe(true);
    expect(needsApproval(policy, 'mcp__github__merge', {})).toBe(true);
    expect(needsApproval(policy, 'Read', { path: 'a' })).toBe(false);
    expect(needsApproval(policy, 'Bash', { command: '  rm -rf /tmp/x ' })).toBe(true);
    expect(needsApproval(policy, 'Bash', { command: 'ls' })).toBe(false);
    expect(needsApproval(policy, 'Bash', { command: 42 })).toBe(false);
    expect(needsApproval(undefined, 'Bash', { command: 'rm -rf /' })).toBe(false);
  });
});

describe('taskApprovalPolicy', () => {
  it('joins the agent’s patterns to its template’s, and takes the agent’s timeout first', () => {
    expect(
      taskApprovalPolicy(
        { bashCommands: ['rm *'], timeoutSeconds: 5 },
        { tools: ['Write'], bashCommands: ['rm *', 'git push*'], timeoutSeconds: 60 },
      ),
    ).toEqual({ tools: ['Write'], bashCommands: ['rm *', 'git push*'], timeoutMs: 5_000 });
    expect(taskApprovalPolicy(undefined, { tools: ['Write'] })?.timeoutMs).toBe(
      DEFAULT_APPROVAL_TIMEOUT_SECONDS * 1000,
    );
    expect(taskApprovalPolicy({ timeoutSeconds: 5 }, undefined)).toBeUndefined();
  });
});

describe('ApprovalPolicySchema', () => {
  it.each([
    [{ tools: ['Bash Tool'] }, 'tools.0'],
    [{ tools: [''] }, 'tools.0'],
    [{ bashCommands: ['   '] }, 'bashCommands.0'],
    [{ bashCommands: [' rm *'] }, 'bashCommands.0'],
    [{ bashCommands: ['x'.repeat(513)] }, 'bashCommands.0'],
    [{ timeoutSeconds: 0 }, 'timeoutSeconds'],
    [{ timeoutSeconds: 86_401 }, 'timeoutSeconds'],
    [{ tools: Array.from({ length: 65 }, () => 'Write') }, 'tools'],
  ])('refuses %j at %s', (policy, path) => {
    const parsed = ApprovalPolicySchema.safeParse(policy);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.join('.')).toBe(path);
  });
});
