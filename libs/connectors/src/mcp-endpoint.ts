/**
 * The connector-registry's MCP endpoint of one connector, as an Express route: runtimes reach
 * their connectors there with their task's token. It lies outside `/api/v1`: it is not part of
 * the public API, and the gateway does not forward it.
 */
export const MCP_ENDPOINT_ROUTE = '/mcp/connectors/:namespace/:name';

/** The URL of connector `name`'s MCP endpoint on the registry at `registryUrl`. */
export function mcpEndpointUrl(registryUrl: string, namespace: string, name: string): string {
  const base = registryUrl.replace(/\/+$/, '');
  return `${base}/mcp/connectors/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}
