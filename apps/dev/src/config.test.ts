import { parseConfig } from '@komputer/service-kit';
import { DevConfigSchema } from './config';

it('listens where the gateway does: the scheduler’s probe port is not npm start’s', () => {
  const config = parseConfig(DevConfigSchema, {});
  expect(config.PORT).toBe(8080);
  expect(config.HOST).toBe('0.0.0.0');
});
