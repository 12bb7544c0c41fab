import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type {
  CreateScheduleParams,
  DeleteResourceResponse,
  Schedule,
  TriggerScheduleResponse,
  UpdateScheduleParams,
} from '../types.js';
import { APIResource } from './resource.js';

/**
 * Schedules (`client.schedules`): a task given to an agent on a cron expression, read in a time
 * zone. Each run fires once, whatever the number of schedulers; a run that finds its agent busy
 * is skipped and recorded. A schedule shows its next run, its last run and its outcome.
 */
export class Schedules extends APIResource {
  /**
   * Every schedule of the namespace, by name.
   *
   * @example
   * ```ts
   * for (const s of await client.schedules.list()) console.log(s.name, s.nextRunTime, s.lastRunStatus);
   * ```
   */
  async list(options?: RequestOptions): Promise<Schedule[]> {
    const { api, init, namespace } = this.parts(options);
    const page = await dataOf(
      api.GET('/api/v1/schedules', { params: { query: { namespace } }, ...init }),
    );
    return page.schedules;
  }

  /**
   * Creates a schedule, or replaces the settings of the existing one of that name. A bad cron
   * expression or time zone throws `BadRequestError`.
   *
   * @example
   * ```ts
   * await client.schedules.create({
   *   name: 'nightly-report',
   *   schedule: '0 2 * * *',
   *   timezone: 'Europe/Paris',
   *   instructions: 'Summarise yesterday’s incidents',
   *   agent: { role: 'worker' },
   * });
   * ```
   */
  create(body: CreateScheduleParams, options?: RequestOptions): Promise<Schedule> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.POST('/api/v1/schedules', { params: { query: { namespace } }, body, ...init }),
    );
  }

  /**
   * One schedule; a missing one throws `NotFoundError`.
   *
   * @example
   * ```ts
   * const { nextRunTime, lastRunStatus } = await client.schedules.get('nightly-report');
   * ```
   */
  get(name: string, options?: RequestOptions): Promise<Schedule> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.GET('/api/v1/schedules/{name}', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * Changes some settings; each one given replaces the stored one whole. `suspended: true` stops
   * it firing until `suspended: false`.
   *
   * @example
   * ```ts
   * await client.schedules.update('nightly-report', { schedule: '0 3 * * *' });
   * ```
   */
  update(name: string, patch: UpdateScheduleParams, options?: RequestOptions): Promise<Schedule> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.PATCH('/api/v1/schedules/{name}', {
        params: { path: { name }, query: { namespace } },
        body: patch,
        ...init,
      }),
    );
  }

  /**
   * Deletes a schedule; it fires no more. The agents its runs used stay.
   *
   * @example
   * ```ts
   * await client.schedules.delete('nightly-report');
   * ```
   */
  delete(name: string, options?: RequestOptions): Promise<DeleteResourceResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.DELETE('/api/v1/schedules/{name}', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }

  /**
   * Fires a run now, outside the cadence. A busy agent throws `ConflictError` (`AGENT_BUSY`).
   *
   * @example
   * ```ts
   * const { agentName, taskId } = await client.schedules.trigger('nightly-report');
   * ```
   */
  trigger(name: string, options?: RequestOptions): Promise<TriggerScheduleResponse> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.POST('/api/v1/schedules/{name}/trigger', {
        params: { path: { name }, query: { namespace } },
        ...init,
      }),
    );
  }
}
