export { SchedulerConfigSchema } from './config';
export type { SchedulerConfig } from './config';
export { LocalRuntimeDriver } from './local-driver';
export type { LocalDriverOptions } from './local-driver';
export { Reconciler } from './reconciler';
export type { ReconcileReport, ReconcilerOptions } from './reconciler';
export type { AgentRef, RuntimeDriver, RuntimeHandle } from './runtime-driver';
export { createScheduler } from './scheduler';
export type { Scheduler } from './scheduler';
