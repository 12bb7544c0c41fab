import type { AgentSpec } from '@komputer/contracts';

/** An agent's settings with every default and no optional field, for tests that store agents directly. */
export const MINIMAL_AGENT_SPEC: AgentSpec = {
  model: 'claude-sonnet-4-6',
  role: 'manager',
  templateRef: 'default',
  connectors: [],
  memories: [],
  skills: [],
  secretRefs: [],
  labels: {},
  lifecycle: '',
  priority: 0,
};
