import type { AgentSpec } from '@komputer/contracts';

/** An agent's settings with every default, for tests that create agents directly in the store. */
export const MINIMAL_SPEC_FOR_TESTS: AgentSpec = {
  model: 'claude-sonnet-4-6',
  role: 'worker',
  templateRef: 'default',
  connectors: [],
  memories: [],
  skills: [],
  secretRefs: [],
  labels: {},
  lifecycle: '',
  priority: 0,
};
