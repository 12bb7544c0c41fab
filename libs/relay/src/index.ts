export { CLIENT_MAX_PAYLOAD_BYTES, createRelay } from './relay';
export type { Relay, RelayOptions, RelayStats } from './relay';
export { RelayConfigSchema, RelaySettingsSchema } from './relay-config';
export type { RelayConfig, RelaySettings } from './relay-config';
export type { RelayOperationId } from './requests';
