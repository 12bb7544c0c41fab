import { generateSecretKey } from '@komputer/connectors';
import { ConfigError, parseConfig } from '@komputer/service-kit';
import { RegistryConfigSchema } from './config';

it('listens on 8082 on every interface by default, and needs the secret key', () => {
  const key = generateSecretKey();
  expect(parseConfig(RegistryConfigSchema, { KOMPUTER_SECRET_KEY: key })).toMatchObject({
    PORT: 8082,
    HOST: '0.0.0.0',
    KOMPUTER_MCP_TIMEOUT_MS: 10_000,
    KOMPUTER_BODY_LIMIT_BYTES: 1024 * 1024,
  });
  expect(() => parseConfig(RegistryConfigSchema, {})).toThrow(ConfigError);
  expect(() => parseConfig(RegistryConfigSchema, {})).toThrow('KOMPUTER_SECRET_KEY: is required');
});
