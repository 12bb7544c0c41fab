import { parseConfig } from '@komputer/service-kit';
import { DevConfigSchema } from './config';

it('listens on the gateway’s port, on loopback: the scheduler’s probe port is not npm start’s', () => {
  const config = parseConfig(DevConfigSchema, {});
  expect(config.PORT).toBe(8080);
  expect(config.HOST).toBe('127.0.0.1');
});

it('has API keys on unless told otherwise', () => {
  expect(parseConfig(DevConfigSchema, {}).KOMPUTER_AUTH).toBe(true);
  expect(parseConfig(DevConfigSchema, { KOMPUTER_AUTH: 'off' }).KOMPUTER_AUTH).toBe(false);
});
