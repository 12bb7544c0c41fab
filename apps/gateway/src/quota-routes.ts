import { operations } from '@komputer/contracts';
import type { NamespaceQuotaResponse, quotaOperations } from '@komputer/contracts';
import { validationError } from '@komputer/service-kit';
import { namespaceOf, route } from '@komputer/routes';
import type { AuditStore, QuotaRecord, QuotaStore } from '@komputer/store';
import type { RequestHandler } from 'express';

/** What the quota, usage and audit routes need. */
export interface QuotaRoutesDeps {
  quotas: QuotaStore;
  audit: AuditStore;
  defaultNamespace: string;
}

/** The operations of quotas, usage and the audit trail. */
export function quotaRoutes(
  deps: QuotaRoutesDeps,
): Record<keyof typeof quotaOperations, RequestHandler> {
  const { quotas, audit, defaultNamespace } = deps;
  const present = async (
    namespace: string,
    quota: QuotaRecord,
  ): Promise<NamespaceQuotaResponse> => {
    const now = new Date();
    const [inUse, spentUsd] = await Promise.all([
      quotas.inUse(namespace),
      quotas.monthSpend(namespace, now),
    ]);
    return { namespace, ...quota, ...inUse, month: now.toISOString().slice(0, 7), spentUsd };
  };
  return {
    getNamespaceQuota: route(operations.getNamespaceQuota, async ({ path }) =>
      present(path.namespace, await quotas.get(path.namespace)),
    ),
    putNamespaceQuota: route(operations.putNamespaceQuota, async ({ path, body }) =>
      present(path.namespace, await quotas.put(path.namespace, body)),
    ),
    getUsage: route(operations.getUsage, async ({ query }) => {
      const namespace = namespaceOf(query, defaultNamespace);
      const today = new Date().toISOString().slice(0, 10);
      const from = query.from ?? `${today.slice(0, 7)}-01`;
      const to = query.to ?? today;
      if (from > to) {
        throw validationError([{ path: 'query.from', message: `must not be after to (${to})` }]);
      }
      return { namespace, from, to, ...(await quotas.usage(namespace, from, to)) };
    }),
    listAuditRecords: route(operations.listAuditRecords, async ({ query }) => {
      const namespace = namespaceOf(query, defaultNamespace);
      const page = await audit.read(namespace, {
        ...(query.since ? { since: Date.parse(query.since) } : {}),
        ...(query.until ? { until: Date.parse(query.until) } : {}),
        ...(query.after ? { after: query.after } : {}),
        limit: query.limit,
      });
      return { namespace, ...page };
    }),
  };
}
