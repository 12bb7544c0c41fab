import type { ConnectorSpec } from '@komputer/contracts';

/** The HTTP headers that carry a connector's credential, given its secret's value. */
export function authHeaders(
  spec: ConnectorSpec,
  value: string | undefined,
): Record<string, string> {
  if (!spec.authType || value === undefined) return {};
  if (spec.authType === 'header' && spec.headerName) return { [spec.headerName]: value };
  return { Authorization: `Bearer ${value}` };
}
