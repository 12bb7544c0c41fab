import { ConnectorTemplateListResponseSchema } from '@komputer/contracts';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(() => t.close());

it('serves the catalogue of known MCP services from the registry, in every namespace', async () => {
  const res = await call('GET', `${t.api}/connector-templates`);
  expect(res.status).toBe(200);
  const { templates } = ConnectorTemplateListResponseSchema.parse(res.body);
  const services = templates.map((template) => template.service);
  expect(services).toEqual(expect.arrayContaining(['github', 'linear', 'custom']));
  expect(new Set(services).size).toBe(services.length);
  expect(templates.find((template) => template.service === 'github')).toMatchObject({
    url: 'https://api.githubcopilot.com/mcp/',
    authType: 'token',
  });
  for (const template of templates.filter((entry) => entry.service !== 'custom')) {
    expect(new URL(template.url).protocol).toBe('https:');
    // A credential to ask for comes with a label and the steps to get it.
    if (template.authType === 'token') {
      expect(template.authLabel).not.toBe('');
      expect(template.guideSteps.length).toBeGreaterThan(0);
    }
  }
  const other = await call('GET', `${t.api}/connector-templates?namespace=team-a`);
  expect(other.body).toEqual(res.body);
});

it('a catalogue entry creates a connector as it stands', async () => {
  const { body } = await call('GET', `${t.api}/connector-templates`);
  const linear = (body.templates as { service: string; url: string }[]).find(
    (template) => template.service === 'linear',
  );
  await call('POST', `${t.api}/secrets`, { name: 'linear', data: { token: 'lin_api_x' } });
  const created = await call('POST', `${t.api}/connectors`, {
    name: 'linear',
    service: linear?.service,
    url: linear?.url,
    authType: 'token',
    authSecretName: 'linear',
    authSecretKey: 'token',
  });
  expect(created.status).toBe(201);
});

it('refuses a bad namespace with the error body', async () => {
  const res = await call('GET', `${t.api}/connector-templates?namespace=Bad_Name`);
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
});
