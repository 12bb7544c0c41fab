import { AppError } from '@komputer/service-kit';

/** A query that may name a namespace (`?namespace=`), as every operation's does. */
export interface NamespaceQuery {
  namespace?: string | undefined;
}

/** The namespace a request names in its query, or the service's default. */
export function namespaceOf(query: NamespaceQuery, defaultNamespace: string): string {
  return query.namespace ?? defaultNamespace;
}

/**
 * The namespace of a create request, which may name it in the query, the body, or both alike;
 * two different ones are a 400.
 */
export function bodyNamespaceOf(
  query: NamespaceQuery,
  body: NamespaceQuery,
  defaultNamespace: string,
): string {
  if (query.namespace && body.namespace && query.namespace !== body.namespace) {
    throw new AppError(
      'VALIDATION_FAILED',
      400,
      'body.namespace: differs from the namespace query parameter',
      { retryable: false },
    );
  }
  return body.namespace ?? namespaceOf(query, defaultNamespace);
}
