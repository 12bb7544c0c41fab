import { MINIMAL_AGENT_SPEC } from '@komputer/testing';
import { mergePodSpec, taskSettings } from './task-settings';

const DEFAULTS = { maxTurns: 50, maxBudgetUsd: 5, timeoutMs: 600_000 };

describe('taskSettings', () => {
  it('joins the agent’s approval patterns to its template’s, so the agent cannot loosen them', () => {
    const settings = taskSettings(
      { ...MINIMAL_AGENT_SPEC, approvals: { bashCommands: ['rm *'], timeoutSeconds: 30 } },
      { approvals: { tools: ['Write'], bashCommands: ['git push*'], timeoutSeconds: 120 } },
      DEFAULTS,
    );
    expect(settings.approvals).toEqual({
      tools: ['Write'],
      bashCommands: ['git push*', 'rm *'],
      timeoutMs: 30_000,
    });
    expect(taskSettings(MINIMAL_AGENT_SPEC, undefined, DEFAULTS).approvals).toBeUndefined();
  });

  it('takes the agent’s own fields over its template’s, and those over the scheduler’s', () => {
    const settings = taskSettings(
      {
        ...MINIMAL_AGENT_SPEC,
        model: undefined,
        limits: { maxTurns: 3 },
        storage: { size: '9Gi' },
      },
      {
        model: 'claude-opus-4-1',
        limits: { maxTurns: 10, timeoutMs: 60_000 },
        allowedDomains: ['github.com'],
        storage: { size: '2Gi', storageClassName: 'fast' },
        maxConcurrentAgents: 2,
        managerScope: 'namespace',
      },
      DEFAULTS,
    );
    expect(settings).toEqual({
      model: 'claude-opus-4-1',
      contextWindow: 200_000,
      limits: { maxTurns: 3, maxBudgetUsd: 5, timeoutMs: 60_000 },
      allowedDomains: ['github.com'],
      pod: { storage: { size: '9Gi', storageClassName: 'fast' } },
      managerScope: 'namespace',
      warnings: [],
    });
    expect(taskSettings(MINIMAL_AGENT_SPEC, undefined, DEFAULTS)).toEqual({
      model: MINIMAL_AGENT_SPEC.model,
      contextWindow: 200_000,
      limits: DEFAULTS,
      pod: {},
      managerScope: 'created',
      warnings: [],
    });
  });

  it('takes the agent’s context window and thinking, else the template’s thinking', () => {
    const template = { thinking: { budgetTokens: 8_000 } };
    expect(
      taskSettings(
        { ...MINIMAL_AGENT_SPEC, modelContextWindow: 32_000, thinking: { budgetTokens: 2_048 } },
        template,
        DEFAULTS,
      ),
    ).toMatchObject({ contextWindow: 32_000, thinking: { budgetTokens: 2_048 } });
    expect(taskSettings(MINIMAL_AGENT_SPEC, template, DEFAULTS)).toMatchObject({
      contextWindow: 200_000,
      thinking: { budgetTokens: 8_000 },
    });
    expect(taskSettings(MINIMAL_AGENT_SPEC, undefined, DEFAULTS).thinking).toBeUndefined();
  });
});

describe('mergePodSpec', () => {
  it('replaces pod fields whole and merges the runtime container field by field, env by name', () => {
    expect(
      mergePodSpec(
        {
          nodeSelector: { pool: 'a' },
          tolerations: [{ key: 't', operator: 'Exists' }],
          containers: [
            {
              image: 'template:1',
              resources: { limits: { cpu: '1', memory: '1Gi' } },
              env: [
                { name: 'A', value: 'template' },
                { name: 'B', value: 'template' },
              ],
            },
          ],
        },
        {
          nodeSelector: { pool: 'b' },
          containers: [
            { resources: { limits: { memory: '4Gi' } }, env: [{ name: 'B', value: 'agent' }] },
          ],
        },
      ),
    ).toEqual({
      nodeSelector: { pool: 'b' },
      tolerations: [{ key: 't', operator: 'Exists' }],
      containers: [
        {
          image: 'template:1',
          resources: { limits: { cpu: '1', memory: '4Gi' } },
          env: [
            { name: 'A', value: 'template' },
            { name: 'B', value: 'agent' },
          ],
        },
      ],
    });
  });
});
