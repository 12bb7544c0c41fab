export { RUNTIME_DRIVERS, SchedulerConfigSchema } from './config';
export type { SchedulerConfig } from './config';
export { createRuntimeDriver } from './drivers';
export { LocalDriverConfigSchema } from './local-config';
export type { LocalDriverConfig } from './local-config';
export { createLocalDriver, LocalRuntimeDriver } from './local-driver';
export { KubernetesDriverConfigSchema } from './kubernetes/config';
export type { KubernetesDriverConfig } from './kubernetes/config';
export { createKubernetesDriver, KubernetesRuntimeDriver } from './kubernetes/driver';
export type { KubernetesDriverOptions } from './kubernetes/driver';
export { agentObjectName, workspaceClaimName } from './kubernetes/pod-spec';
export type { LocalDriverOptions } from './local-driver';
export { ModelProxy } from './model-proxy';
export type { ModelProxyOptions } from './model-proxy';
export { Reconciler } from './reconciler';
export type { ReconcileReport, ReconcilerOptions } from './reconciler';
export type {
  AgentRef,
  DriverStartOptions,
  RuntimeCounts,
  RuntimeDriver,
  RuntimeHandle,
} from './runtime-driver';
export { createScheduler } from './scheduler';
export { createStatusServer } from './status-server';
export type { Scheduler } from './scheduler';
export { TaskTokens } from './task-tokens';
export type { TaskGrant } from './task-tokens';
