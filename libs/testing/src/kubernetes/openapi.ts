// Just enough OpenAPI v3 for kubectl: with `--validate=strict` (its default) it asks the
// server's OpenAPI v3 whether each PATCH path takes the `fieldValidation` parameter, and when
// it does, leaves validation to the server instead of downloading the whole schema to validate
// client-side. No request body schema is published, so kubectl apply computes its strategic
// merge patches from its compiled-in types, as it does against servers without OpenAPI.
import type { ResourceDef } from './resources';
import { apiVersionOf, RESOURCES } from './resources';

function docPath(def: ResourceDef): string {
  return def.group ? `apis/${def.group}/${def.version}` : `api/${def.version}`;
}

/** `/openapi/v3`: the group versions, each with the URL of its document. */
export function openApiRoot(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const def of RESOURCES) {
    const path = docPath(def);
    paths[path] = {
      serverRelativeURL: `/openapi/v3/${path}?hash=${apiVersionOf(def).replace(/\W/g, '')}`,
    };
  }
  return { paths };
}

const QUERY_PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map(
  (name) => ({
    name,
    in: 'query',
    schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
  }),
);

/** `/openapi/v3/api/v1` and `/openapi/v3/apis/{group}/{version}`, or undefined. */
export function openApiDocument(path: string): Record<string, unknown> | undefined {
  const defs = RESOURCES.filter((def) => docPath(def) === path);
  if (defs.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const def of defs) {
    const prefix = `/${docPath(def)}`;
    const item = def.namespaced
      ? `${prefix}/namespaces/{namespace}/${def.plural}/{name}`
      : `${prefix}/${def.plural}/{name}`;
    // kubectl looks for the parameter among the PATCH operation's own parameters.
    paths[item] = {
      patch: {
        operationId: `patch${def.kind}`,
        parameters: [
          {
            name: 'name',
            in: 'path',
            required: true,
            schema: { type: 'string', uniqueItems: true },
          },
          ...(def.namespaced
            ? [
                {
                  name: 'namespace',
                  in: 'path',
                  required: true,
                  schema: { type: 'string', uniqueItems: true },
                },
              ]
            : []),
          ...QUERY_PARAMETERS,
        ],
        responses: { '200': { description: 'OK' } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': {
          group: def.group,
          version: def.version,
          kind: def.kind,
        },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
  };
}
