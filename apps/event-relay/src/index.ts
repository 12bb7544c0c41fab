export { EventRelayConfigSchema } from './config';
export type { EventRelayConfig } from './config';
export { createEventRelay } from './event-relay';
export type { EventRelay } from './event-relay';
