import type { KubeObject, ResourceDef } from './resources';
import { apiVersionOf } from './resources';
import {
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelKeyErrors,
  labelValueErrors,
} from './names';
import { badRequest, invalid } from './status';
import type { StatusCause } from './status';

/** One schema error, as ajv (inside kubernetes-models) reports it. */
interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Checks an object against its kind's OpenAPI schema; throws with `errors` when it fails. */
export type SchemaValidator = (obj: KubeObject) => void;

/**
 * Loads the schema validators of kubernetes-models for the served kinds. Loaded on demand, so
 * that importing this lib does not load a thousand schemas for tests that never start an
 * emulator.
 */
export async function loadSchemaValidators(): Promise<Map<string, SchemaValidator>> {
  const [pod, namespace, pvc, secret, configMap, service, event, networkPolicy, lease] =
    await Promise.all([
      import('kubernetes-models/v1/Pod'),
      import('kubernetes-models/v1/Namespace'),
      import('kubernetes-models/v1/PersistentVolumeClaim'),
      import('kubernetes-models/v1/Secret'),
      import('kubernetes-models/v1/ConfigMap'),
      import('kubernetes-models/v1/Service'),
      import('kubernetes-models/v1/Event'),
      import('kubernetes-models/networking.k8s.io/v1/NetworkPolicy'),
      import('kubernetes-models/coordination.k8s.io/v1/Lease'),
    ]);
  const models: Record<string, new (data: never) => { validate(): void }> = {
    Pod: pod.Pod,
    Namespace: namespace.Namespace,
    PersistentVolumeClaim: pvc.PersistentVolumeClaim,
    Secret: secret.Secret,
    ConfigMap: configMap.ConfigMap,
    Service: service.Service,
    Event: event.Event,
    NetworkPolicy: networkPolicy.NetworkPolicy,
    Lease: lease.Lease,
  };
  return new Map(
    Object.entries(models).map(([kind, Model]) => [
      kind,
      (obj: KubeObject) => new Model(obj as never).validate(),
    ]),
  );
}

/** `/spec/containers/0/image` → `spec.containers[0].image`, as field paths are written. */
export function fieldPath(pointer: string): string {
  let path = '';
  for (const token of pointer.split('/').slice(1)) {
    if (/^\d+$/.test(token)) path += `[${token}]`;
    else path += path ? `.${token}` : token;
  }
  return path;
}

function valueAt(obj: unknown, pointer: string): unknown {
  let value = obj;
  for (const token of pointer.split('/').slice(1)) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[token];
  }
  return value;
}

function goType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function schemaFailure(def: ResourceDef, obj: KubeObject, errors: SchemaError[]): Error {
  const name = obj.metadata?.name ?? '';
  // A value of the wrong JSON type or format does not decode into the Go types: the real
  // server answers 400 before it validates anything.
  const decode = errors.find((e) => e.keyword === 'type' || e.keyword === 'format');
  if (decode) {
    const value = valueAt(obj, decode.instancePath);
    const field = fieldPath(decode.instancePath);
    const expected = String(decode.params.type ?? decode.params.format);
    const why =
      decode.keyword === 'type'
        ? `json: cannot unmarshal ${goType(value)} into Go struct field ${def.kind}.${field} of type ${expected}`
        : `${field}: cannot parse ${JSON.stringify(value)} as ${expected}`;
    return badRequest(
      `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${why}`,
    );
  }
  const causes: StatusCause[] = errors.map((e) => {
    if (e.keyword === 'required') {
      const parent = fieldPath(e.instancePath);
      const missing = String(e.params.missingProperty);
      return {
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: parent ? `${parent}.${missing}` : missing,
      };
    }
    const value = valueAt(obj, e.instancePath);
    if (e.keyword === 'enum') {
      const allowed = (e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      return {
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.join(', ')}`,
        field: fieldPath(e.instancePath),
      };
    }
    return {
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(value)}: ${e.message ?? e.keyword}`,
      field: fieldPath(e.instancePath),
    };
  });
  return invalid(def, name, causes);
}

function required(field: string): StatusCause {
  return { reason: 'FieldValueRequired', message: 'Required value', field };
}

function invalidValue(field: string, value: unknown, why: string): StatusCause {
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
    field,
  };
}

function duplicate(field: string, value: unknown): StatusCause {
  return {
    reason: 'FieldValueDuplicate',
    message: `Duplicate value: ${JSON.stringify(value)}`,
    field,
  };
}

function forbidden(field: string, why: string): StatusCause {
  return { reason: 'FieldValueForbidden', message: `Forbidden: ${why}`, field };
}

type Obj = Record<string, unknown>;

function asObject(value: unknown): Obj {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

function asList(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(asObject) : [];
}

function metadataCauses(def: ResourceDef, obj: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const meta = obj.metadata ?? {};
  const name = meta.name;
  if (!name) {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  } else {
    const errors =
      def.nameRule === 'dns1123Label'
        ? dns1123LabelErrors(name)
        : def.nameRule === 'dns1035Label'
          ? dns1035LabelErrors(name)
          : dns1123SubdomainErrors(name);
    for (const e of errors) causes.push(invalidValue('metadata.name', name, e));
  }
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    for (const e of labelKeyErrors(key)) causes.push(invalidValue('metadata.labels', key, e));
    if (typeof value !== 'string') continue;
    for (const e of labelValueErrors(value)) causes.push(invalidValue('metadata.labels', value, e));
  }
  for (const key of Object.keys(meta.annotations ?? {})) {
    for (const e of labelKeyErrors(key.toLowerCase())) {
      causes.push(invalidValue('metadata.annotations', key, e));
    }
  }
  const annotationBytes = JSON.stringify(meta.annotations ?? {}).length;
  if (annotationBytes > 256 * 1024) {
    causes.push({
      reason: 'FieldValueTooLong',
      message: 'Too long: must have at most 262144 bytes',
      field: 'metadata.annotations',
    });
  }
  return causes;
}

function containerCauses(path: string, containers: Obj[], volumeNames: Set<string>): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (typeof c.name === 'string' && c.name) {
      for (const e of dns1123LabelErrors(c.name))
        causes.push(invalidValue(`${at}.name`, c.name, e));
      if (seen.has(c.name)) causes.push(duplicate(`${at}.name`, c.name));
      seen.add(c.name);
    }
    if (!c.image) causes.push(required(`${at}.image`));
    asList(c.env).forEach((env, j) => {
      if (!env.name) causes.push(required(`${at}.env[${j}].name`));
    });
    asList(c.volumeMounts).forEach((mount, j) => {
      if (typeof mount.name === 'string' && !volumeNames.has(mount.name)) {
        causes.push({
          reason: 'FieldValueNotFound',
          message: `Not found: ${JSON.stringify(mount.name)}`,
          field: `${at}.volumeMounts[${j}].name`,
        });
      }
      if (!mount.mountPath) causes.push(required(`${at}.volumeMounts[${j}].mountPath`));
    });
  });
  return causes;
}

function podCauses(pod: KubeObject): StatusCause[] {
  const spec = asObject(pod.spec);
  const causes: StatusCause[] = [];
  const volumeNames = new Set<string>();
  asList(spec.volumes).forEach((v, i) => {
    const at = `spec.volumes[${i}]`;
    if (typeof v.name !== 'string' || !v.name) {
      causes.push(required(`${at}.name`));
      return;
    }
    for (const e of dns1123LabelErrors(v.name)) causes.push(invalidValue(`${at}.name`, v.name, e));
    if (volumeNames.has(v.name)) causes.push(duplicate(`${at}.name`, v.name));
    volumeNames.add(v.name);
    const claim = asObject(v.persistentVolumeClaim);
    if (v.persistentVolumeClaim !== undefined && !claim.claimName) {
      causes.push(required(`${at}.persistentVolumeClaim.claimName`));
    }
  });
  const containers = asList(spec.containers);
  if (containers.length === 0) causes.push(required('spec.containers'));
  causes.push(...containerCauses('spec.containers', containers, volumeNames));
  causes.push(...containerCauses('spec.initContainers', asList(spec.initContainers), volumeNames));
  const grace = spec.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace < 0) {
    causes.push(invalidValue('spec.terminationGracePeriodSeconds', grace, 'must be >= 0'));
  }
  return causes;
}

function claimCauses(claim: KubeObject): StatusCause[] {
  const spec = asObject(claim.spec);
  const causes: StatusCause[] = [];
  if (asList(spec.accessModes).length === 0) causes.push(required('spec.accessModes'));
  const requests = asObject(asObject(spec.resources).requests);
  if (requests.storage === undefined) causes.push(required('spec.resources[storage]'));
  return causes;
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

function dataKeyCauses(field: string, data: Obj): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const key of Object.keys(data)) {
    if (!CONFIG_KEY.test(key) || key.length > 253) {
      causes.push(
        invalidValue(
          field,
          key,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        ),
      );
    }
  }
  return causes;
}

function secretCauses(secret: KubeObject): StatusCause[] {
  const causes = dataKeyCauses('data', asObject(secret.data));
  const size = Object.values(asObject(secret.data)).reduce<number>(
    (n, v) => n + Buffer.from(String(v), 'base64').length,
    0,
  );
  if (size > 1024 * 1024) {
    causes.push({
      reason: 'FieldValueTooLong',
      message: 'Too long: must have at most 1048576 bytes',
      field: 'data',
    });
  }
  return causes;
}

function configMapCauses(configMap: KubeObject): StatusCause[] {
  const data = asObject(configMap.data);
  const binary = asObject(configMap.binaryData);
  const causes = [...dataKeyCauses('data', data), ...dataKeyCauses('binaryData', binary)];
  for (const key of Object.keys(binary)) {
    if (key in data)
      causes.push(invalidValue('data', key, 'duplicate of key present in binaryData'));
  }
  return causes;
}

function serviceCauses(service: KubeObject): StatusCause[] {
  const spec = asObject(service.spec);
  const causes: StatusCause[] = [];
  const ports = asList(spec.ports);
  if (ports.length === 0 && spec.type !== 'ExternalName' && spec.clusterIP !== 'None') {
    causes.push(required('spec.ports'));
  }
  ports.forEach((p, i) => {
    if (typeof p.port === 'number' && (p.port < 1 || p.port > 65535)) {
      causes.push(
        invalidValue(`spec.ports[${i}].port`, p.port, 'must be between 1 and 65535, inclusive'),
      );
    }
    if (ports.length > 1 && !p.name) causes.push(required(`spec.ports[${i}].name`));
  });
  return causes;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Validates an object about to be written, as the real server's decoding and validation do:
 * 400 for what does not decode (wrong JSON types, bad base64), 422 `Invalid` with one cause
 * per failed field otherwise.
 */
export function validateObject(
  def: ResourceDef,
  obj: KubeObject,
  validators: Map<string, SchemaValidator>,
): void {
  if (obj.kind === 'Secret') {
    for (const [key, value] of Object.entries(asObject(obj.data))) {
      if (typeof value !== 'string' || !BASE64.test(value)) {
        throw badRequest(
          `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0 (in data[${key}])`,
        );
      }
    }
  }
  try {
    validators.get(def.kind)?.(obj);
  } catch (err) {
    const errors = (err as { errors?: SchemaError[] }).errors;
    if (!errors) throw err;
    throw schemaFailure(def, obj, errors);
  }
  const causes = metadataCauses(def, obj);
  if (def.kind === 'Pod') causes.push(...podCauses(obj));
  if (def.kind === 'PersistentVolumeClaim') causes.push(...claimCauses(obj));
  if (def.kind === 'Secret') causes.push(...secretCauses(obj));
  if (def.kind === 'ConfigMap') causes.push(...configMapCauses(obj));
  if (def.kind === 'Service') causes.push(...serviceCauses(obj));
  if (causes.length) throw invalid(def, obj.metadata?.name ?? '', causes);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// A pod's spec may change only in these places after it is created (ValidatePodUpdate).
function mutablePodSpec(spec: Obj): Obj {
  const copy = structuredClone(spec);
  for (const list of ['containers', 'initContainers']) {
    for (const c of asList(copy[list])) delete c.image;
  }
  delete copy.activeDeadlineSeconds;
  delete copy.tolerations;
  delete copy.terminationGracePeriodSeconds;
  return copy;
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** Checks an update against the stored object: immutable fields stay as they were. */
export function validateUpdate(def: ResourceDef, previous: KubeObject, next: KubeObject): void {
  const causes: StatusCause[] = [];
  const oldSpec = asObject(previous.spec);
  const newSpec = asObject(next.spec);
  switch (def.kind) {
    case 'Pod':
      if (!same(mutablePodSpec(oldSpec), mutablePodSpec(newSpec))) {
        causes.push(forbidden('spec', POD_UPDATE_FORBIDDEN));
      }
      break;
    case 'PersistentVolumeClaim': {
      const strip = (spec: Obj) => {
        const copy = structuredClone(spec);
        delete asObject(copy.resources).requests;
        delete copy.volumeAttributesClassName;
        return copy;
      };
      if (!same(strip(oldSpec), strip(newSpec))) {
        causes.push(
          forbidden(
            'spec',
            'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
          ),
        );
      }
      break;
    }
    case 'Secret':
    case 'ConfigMap':
      if (previous.immutable === true) {
        for (const field of ['data', 'binaryData', 'stringData']) {
          if (!same(previous[field], next[field])) {
            causes.push(forbidden(field, 'field is immutable when `immutable` is set'));
          }
        }
        if (next.immutable !== true) {
          causes.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
        }
      }
      if (def.kind === 'Secret' && previous.type !== next.type) {
        causes.push(invalidValue('type', next.type, 'field is immutable'));
      }
      break;
    case 'Service':
      if (oldSpec.clusterIP && newSpec.clusterIP !== oldSpec.clusterIP) {
        causes.push(invalidValue('spec.clusterIP', newSpec.clusterIP, 'field is immutable'));
      }
      break;
  }
  if (causes.length) throw invalid(def, next.metadata?.name ?? '', causes);
}

/** Checks `apiVersion` and `kind` in a body name the resource of the URL. */
export function checkTypeMeta(def: ResourceDef, obj: KubeObject): void {
  const apiVersion = apiVersionOf(def);
  if (obj.kind !== undefined && obj.kind !== def.kind) {
    throw badRequest(
      `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`,
    );
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw badRequest(
      `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`,
    );
  }
}
