/**
 * The types of the komputer API, from docs/openapi.json. `npm run sdk:types` writes this file:
 * do not edit it.
 */

export interface paths {
  '/api/v1/api-keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List API keys
     * @description Every key, by id, without its secret. A key scoped to some namespaces manages only the keys whose namespaces are all among its own; any other is not found.
     */
    get: operations['listApiKeys'];
    put?: never;
    /**
     * Create an API key
     * @description Creates a key with its namespaces and level, and answers its key string, which is shown this once (only its hash is kept). A key creates keys only within its own namespaces (403 otherwise).
     */
    post: operations['createApiKey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/api-keys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Get an API key
     * @description The key, without its secret. A key scoped to some namespaces manages only the keys whose namespaces are all among its own; any other is not found.
     */
    get: operations['getApiKey'];
    put?: never;
    post?: never;
    /**
     * Revoke an API key
     * @description Deletes the key: it stops working at once, and the streams opened with it end (close code 4401). A key scoped to some namespaces manages only the keys whose namespaces are all among its own; any other is not found.
     */
    delete: operations['revokeApiKey'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/api-keys/{id}/rotate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Rotate an API key
     * @description Gives the key a new secret and answers its new key string, shown this once. The id and scopes stay; the old key string stops working at once, and the streams opened with it end (close code 4401). A key scoped to some namespaces manages only the keys whose namespaces are all among its own; any other is not found.
     */
    post: operations['rotateApiKey'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/tickets': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Exchange the key for a stream ticket
     * @description For a client that cannot set headers on a WebSocket or an EventSource (a browser): a ticket that stands for the calling key on one WebSocket or SSE request, as `?ticket=`, within 30 s. It works once, only there, and not as a key.
     */
    post: operations['createAuthTicket'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/agents': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List agents
     * @description Every agent of the namespace, by name. With `label=key=value` (repeatable), only the agents whose labels hold each of those pairs; a `label` that is not `key=value` answers 400.
     */
    get: operations['listAgents'];
    put?: never;
    /**
     * Create an agent or give an idle agent a task
     * @description Creates the agent with a first task, or queues the next task for an existing idle agent (upsert by name). For an existing agent only `instructions` is used; change its settings with PATCH. A busy agent (a task queued or in progress) is steered: the instructions are added to its task as a follow-up user message, which the task takes before its next model request (recorded by a `user_message` event), in the order the steers were accepted; the answer says `steered: true`. A steer that the task has not taken when it ends is not dropped: the steers left become the agent’s next task (the first one its instructions, the others steered into it). An agent holds at most 100 steers not yet taken; one more answers 429 `TOO_MANY_STEERS`. With `steer=false` a busy agent answers 409 `AGENT_BUSY` instead.
     */
    post: operations['createAgent'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/agents/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get an agent */
    get: operations['getAgent'];
    put?: never;
    post?: never;
    /**
     * Delete an agent
     * @description Removes a queued task, the agent's event stream and its record.
     */
    delete: operations['deleteAgent'];
    options?: never;
    head?: never;
    /**
     * Change an agent
     * @description Changes apply from the agent's next task. PATCH never starts a task.
     */
    patch: operations['patchAgent'];
    trace?: never;
  };
  '/api/v1/agents/{name}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel the agent's task
     * @description A queued task is removed at once and ends with `task_cancelled`. The agent stays and takes its next task. An agent with no queued or running task answers 409.
     */
    post: operations['cancelAgentTask'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/agents/{name}/compact': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Compact the agent's conversation
     * @description The running task summarises its conversation so far with the model, at its next turn boundary, guided by the optional `instructions`; the summary replaces the transcript and the session goes on. The agent shows taskStatus `Compacting` meanwhile, and a `compaction` event records it with the tokens before and after. An agent with no queued or running task answers 409.
     */
    post: operations['compactAgentTask'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/agents/{name}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read the agent's events
     * @description Without a cursor: the most recent `limit` events. With `after`: the `limit` events after that id (410 when events after it were trimmed from the stream) or timestamp. With `before`: the `limit` events just before that id or timestamp. With `around`: the events centred on that id or timestamp. Always oldest first.
     */
    get: operations['getAgentEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/agents/{name}/cost': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The agent's tasks and what each cost
     * @description Reads the agent’s event stream, oldest first, in pages, and answers each task that ended and whose `task_started` the stream still holds (older tasks were trimmed with their events): its instructions, outcome, cost, duration, turns and tokens (from its `task_completed`), how many steers it took and how many events it has. A task still running is left out; a cancelled or failed one costs 0 here, since only `task_completed` reports a cost.
     */
    get: operations['getAgentCost'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/agents/{name}/download/{path}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Download a file from the agent's workspace
     * @description Answers the file as an attachment (`Content-Disposition`). The path stays in the workspace: `..`, an absolute path, or a symbolic link that leads out of the workspace is refused (400 `INVALID_PATH`, 403 `PATH_OUTSIDE_WORKSPACE`); a directory is 400 `NOT_A_FILE`; a file larger than `KOMPUTER_DOWNLOAD_MAX_BYTES` is 413. The gateway reads workspaces where the local runtime driver keeps them, in the data directory it shares with the scheduler (`KOMPUTER_DATA_DIR`); a gateway without one (the kubernetes driver keeps workspaces in the agents’ volumes) answers 501 `DOWNLOAD_UNAVAILABLE`.
     */
    get: operations['downloadAgentFile'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connectors': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List connectors
     * @description Every connector in the namespace, by name, with the agents that use it.
     */
    get: operations['listConnectors'];
    put?: never;
    /**
     * Create or update a connector
     * @description Registers an MCP server (Streamable HTTP, or SSE) that agents can be given. An existing connector of that name takes the new settings. Its credential comes from the secret named by `authSecretName`.
     */
    post: operations['createConnector'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connectors/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a connector */
    get: operations['getConnector'];
    put?: never;
    post?: never;
    /**
     * Delete a connector
     * @description A connector that agents still use answers 409 and names them, unless `force=true`; then those agents lose it from their next task.
     */
    delete: operations['deleteConnector'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connectors/{name}/tools': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List a connector's tools
     * @description Connects to the MCP server with the connector's credential and lists its tools. A server that cannot be reached in time answers 502.
     */
    get: operations['listConnectorTools'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/connector-templates': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List known MCP services
     * @description A catalogue of hosted MCP servers, with their URL, how they take a credential and how to get one: a convenience for a "new connector" form. It is the same in every namespace, and short: add any other server by its URL.
     */
    get: operations['listConnectorTemplates'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/oauth/authorize': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start an OAuth connector's consent
     * @description Discovers the authorization server of the connector's MCP server (protected resource metadata, then RFC 8414 or OpenID discovery) and answers the URL that a person opens to consent (authorization code with PKCE). Its `state` is single-use and expires (`KOMPUTER_OAUTH_STATE_TTL_MS`). An authorization server that cannot be reached answers 502.
     */
    post: operations['authorizeOAuth'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/oauth/callback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Complete an OAuth connector's consent
     * @description Where the authorization server sends the person back: exchanges the code for tokens, which are stored sealed, and the connector becomes `connected`. Its `state` is its authentication, so it answers anyone. A browser (`Accept: text/html`) gets a short page, which also tells the window that opened it (`postMessage` of `{type: "oauth-success" | "oauth-error"}`); other clients get JSON.
     */
    get: operations['completeOAuth'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/oauth/refresh': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Refresh an OAuth connector's access token
     * @description Refreshes it now; it is also refreshed on use, shortly before it expires. The tokens are never returned. A refresh token that the authorization server refuses (revoked or expired) answers 409 `OAUTH_NOT_CONNECTED`, and the connector's oauthStatus becomes "expired": authorize it again.
     */
    post: operations['refreshOAuth'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/secrets': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List secrets
     * @description Every secret in the namespace, by name, with its key names (never its values).
     */
    get: operations['listSecrets'];
    put?: never;
    /**
     * Create or update a secret
     * @description Stores the key-value pairs, encrypted. An existing secret of that name takes the new data. No answer, event, log line or error ever shows a value.
     */
    post: operations['createSecret'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/secrets/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Delete a secret */
    delete: operations['deleteSecret'];
    options?: never;
    head?: never;
    /** Replace a secret's data */
    patch: operations['updateSecret'];
    trace?: never;
  };
  '/api/v1/agents/{name}/ws': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Stream the agent's events (WebSocket)
     * @description Upgrades to a WebSocket; each message is one event as JSON. `after` replays the events after that id, then carries on live, with no gap and no duplicate. `group` delivers each event to exactly one live member of the group across every relay. A failure after the upgrade closes the socket with 4000 + the HTTP status below (4400, 4404, 4410, 4503), or 4429 for a client too slow to keep up; the close reason is a JSON `CloseReason` whose `lastId` says where to resume. Without an upgrade, the request is checked and answered with the error below or 426.
     */
    get: operations['watchAgentEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/agents/{name}/events/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Stream the agent's events (Server-Sent Events)
     * @description Each SSE event has `id:` (the event id) and `data:` (the event as JSON). Resume with the `Last-Event-ID` header (which wins over `after`) or `after`. A comment line is sent as a heartbeat. When the relay ends the stream it sends a last `close` event whose data is a `CloseReason`.
     */
    get: operations['streamAgentEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/events/ws': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Stream the events of several agents (WebSocket)
     * @description Upgrades to a WebSocket that carries the events of every agent listed in `agents` and of every agent whose name matches `match`, including agents created later (these from their first event). Order is kept per agent. Close codes as on the single-agent socket; a `SLOW_CONSUMER` reason carries no `lastId`: resume with the last id seen of each agent in `after`.
     */
    get: operations['watchEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/memories': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List memories
     * @description Every memory in the namespace, by name, with its content and the agents that attach it.
     */
    get: operations['listMemories'];
    put?: never;
    /**
     * Create or update a memory
     * @description Stores text that is appended to the system prompt of every agent that names it in `memories`, from the agent's next task. An existing memory of that name takes the new content and description.
     */
    post: operations['createMemory'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/memories/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a memory */
    get: operations['getMemory'];
    put?: never;
    post?: never;
    /**
     * Delete a memory
     * @description A memory that agents still attach answers 409 and names them, unless `force=true`; then those agents run their next task without it, with a `warning` event.
     */
    delete: operations['deleteMemory'];
    options?: never;
    head?: never;
    /**
     * Change a memory's content or description
     * @description Agents that attach it see the change from their next task.
     */
    patch: operations['patchMemory'];
    trace?: never;
  };
  '/api/v1/skills': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List skills
     * @description Every skill in the namespace, by name, with its content and the agents that attach it.
     */
    get: operations['listSkills'];
    put?: never;
    /**
     * Create or update a skill
     * @description Stores a skill that agents name in `skills`. For each task it is written into the agent's workspace as `.komputer/skills/<name>/SKILL.md`, and the system prompt lists it with its description. An existing skill of that name takes the new content and description.
     */
    post: operations['createSkill'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/skills/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a skill */
    get: operations['getSkill'];
    put?: never;
    post?: never;
    /**
     * Delete a skill
     * @description A skill that agents still attach answers 409 and names them, unless `force=true`; then those agents run their next task without it, with a `warning` event.
     */
    delete: operations['deleteSkill'];
    options?: never;
    head?: never;
    /**
     * Change a skill's content or description
     * @description Agents that attach it see the change from their next task.
     */
    patch: operations['patchSkill'];
    trace?: never;
  };
  '/api/v1/templates': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List agent templates
     * @description Every template that the namespace's agents can name in `templateRef`: the namespace's own, then the cluster-wide ones that no template of the namespace shadows, and the built-in "default" while no template of that name is stored.
     */
    get: operations['listTemplates'];
    put?: never;
    /**
     * Create or replace a template
     * @description Stores a template in the namespace (`scope` "namespace", the default) or cluster-wide (`scope` "cluster"). An existing template of that name and scope takes the new settings, all of them. Agents read their template at each task: their own fields win, then the template's, then the scheduler's settings.
     */
    post: operations['createTemplate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/templates/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Get a template
     * @description The namespace's template of that name, or with `scope=cluster` the cluster-wide one (the built-in "default" while none of that name is stored).
     */
    get: operations['getTemplate'];
    put?: never;
    post?: never;
    /**
     * Delete a template
     * @description A template that agents name in `templateRef` answers 409 and names them (a cluster template counts the agents of every namespace), checked in the same atomic step as the delete. The cluster "default" can always be deleted: the built-in one applies again.
     */
    delete: operations['deleteTemplate'];
    options?: never;
    head?: never;
    /**
     * Change some of a template's settings
     * @description Each field given replaces the stored one whole. Its agents see the change from their next task; a raised `maxConcurrentAgents` lets waiting tasks start at once. Patching the cluster "default" while it is built in stores it, with the change.
     */
    patch: operations['patchTemplate'];
    trace?: never;
  };
  '/api/v1/schedules': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List schedules
     * @description Every schedule in the namespace, by name, with its next run, its last run and its outcome, and its recent runs.
     */
    get: operations['listSchedules'];
    put?: never;
    /**
     * Create or replace a schedule
     * @description Gives an agent a task on a cron expression, read in `timezone`. Each run fires once, whatever the number of schedulers. A run gives the task to `agentName` (default: the schedule’s name); when that agent does not exist, a run creates it from `agent`, and without `agent` the agent must exist. A run that finds its agent busy is skipped and recorded as `Skipped`. Runs missed while no scheduler ran collapse into one catch-up run. An existing schedule of that name takes the new settings and keeps its run history.
     */
    post: operations['createSchedule'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/schedules/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a schedule */
    get: operations['getSchedule'];
    put?: never;
    post?: never;
    /**
     * Delete a schedule
     * @description Removes the schedule and its job scheduler; it fires no more. The agents its runs created stay.
     */
    delete: operations['deleteSchedule'];
    options?: never;
    head?: never;
    /**
     * Change some of a schedule's settings
     * @description Each field given replaces the stored one whole. A new `schedule` or `timezone` replaces its job scheduler, so the next run follows it; `suspended: true` removes it until `suspended: false`.
     */
    patch: operations['patchSchedule'];
    trace?: never;
  };
  '/api/v1/schedules/{name}/trigger': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Run a schedule now
     * @description Fires a run at once, outside its cron cadence, through the same step as a cron run, and records it. An agent that is busy answers 409 (the run is recorded as `Skipped`); an agent that does not exist and that the schedule cannot create answers 404.
     */
    post: operations['triggerSchedule'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/offices': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List offices
     * @description Every office of the namespace: each agent that created agents (its `officeManager`) and that no other office holds, with its members, their task status and cost, and the totals. A nested manager’s own office is read by its name.
     */
    get: operations['listOffices'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/offices/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Get an office
     * @description The manager `name` and every agent it created, recursively (through `officeManager`), with their task status and cost, and the totals. At most 200 members are shown and counted. 404 when the agent does not exist or created none.
     */
    get: operations['getOffice'];
    put?: never;
    post?: never;
    /**
     * Delete an office
     * @description Deletes every member of the office, its manager last, with their event streams, runtimes and workspaces, as deleting each agent would: an office is its agents.
     */
    delete: operations['deleteOffice'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/offices/{name}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read the office’s events
     * @description The events of every member, merged in office order: by event id (the time Redis appended the event, then its sequence; each member’s own order is kept), then by agent name. Paged like an agent’s events. To page on exactly, pass the last (or first) event as `<agentName>:<id>`: a bare id stands for all the events with that id, whatever their agent, and a timestamp selects each member’s events by their timestamps, as on an agent’s page.
     */
    get: operations['getOfficeEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/offices/{name}/ws': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Stream the office’s events (WebSocket)
     * @description Upgrades to a WebSocket that carries the events of every member of the office, and of agents that join it later (from their first event). Order is kept per member. Resume with the last id seen of each member in `after`. Close codes as on an agent’s socket.
     */
    get: operations['watchOfficeEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/offices/{name}/events/stream': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Stream the office’s events (Server-Sent Events)
     * @description The office’s events as on its WebSocket, as SSE `data:` lines. They carry no `id:` line, since one id cannot resume several members: resume with `after`, the last id seen of each member.
     */
    get: operations['streamOfficeEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/squads': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List squads */
    get: operations['listSquads'];
    put?: never;
    /**
     * Create a squad
     * @description Agents that share one workspace: the first member’s, which every member’s task runs in. Members run one task at a time: a member’s task waits (`Queued`, with its `queueReason`) while another member’s runs. At most 16 members; each must exist, be in no other squad, and have no task queued or running (409).
     */
    post: operations['createSquad'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/squads/{name}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a squad */
    get: operations['getSquad'];
    put?: never;
    post?: never;
    /**
     * Delete a squad
     * @description Dissolves the squad at once, as a break-up does, and refuses (409) while a member has a task queued or running. The members stay, as solo agents.
     */
    delete: operations['deleteSquad'];
    options?: never;
    head?: never;
    /**
     * Change a squad
     * @description Replaces the member list and/or `orphanTTL` ("" removes it). A change of members needs every member, old and new, without a task queued or running (409), since their workspaces change.
     */
    patch: operations['patchSquad'];
    trace?: never;
  };
  '/api/v1/squads/{name}/break-up': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Break a squad up
     * @description Returns the members to solo agents, each with its own workspace from its next task; the home keeps the shared one, with the files the squad made. With no member busy it happens at once (`phase: Dissolved`); otherwise the squad is marked (`breakUpRequested`, `phase: BreakingUp`) and the scheduler dissolves it once every member’s task has ended.
     */
    post: operations['breakUpSquad'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/squads/{name}/members': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Add a squad member
     * @description Adds an existing agent (by `ref`). 404 for an agent that does not exist; 409 for one in a squad already, or while a member or the agent has a task queued or running.
     */
    post: operations['addSquadMember'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/squads/{name}/members/{agent}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Remove a squad member
     * @description The agent goes back to its own workspace from its next task. 404 when it is not a member; 409 while a member has a task queued or running.
     */
    delete: operations['removeSquadMember'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/namespaces': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List namespaces
     * @description The default namespace and every namespace that holds an agent; to a key scoped to some namespaces, only those of them.
     */
    get: operations['listNamespaces'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/mcp': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * The platform as MCP tools (streamable HTTP)
     * @description A Model Context Protocol endpoint (streamable HTTP, stateless, JSON answers) that serves the platform tools: the same tools, with the same names, checks and errors, that manager agents get (`create_agent`, `await_agents`, `list_agents`, …). Point an MCP client (Claude Code, an IDE) at it. The namespace of a session is `?namespace=`, else the `X-Komputer-Namespace` header, else the default one; a tool call may name another in its `namespace` argument. A client is not an agent: it has no agents of its own and no budget, and acts as the API does. A key scoped to some namespaces acts only in those: any other is not found, for the session as for a tool call.
     */
    post: operations['callPlatformTools'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/namespaces/{namespace}/quota': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Get a namespace’s quota
     * @description The caps set on the namespace (each one left out is no cap), and what it uses of them now: its agents, its tasks running under the quota and this month’s spend.
     */
    get: operations['getNamespaceQuota'];
    /**
     * Set a namespace’s quota
     * @description Replaces the namespace’s caps: each cap left out is lifted. A raised `maxRunningTasks` starts waiting tasks at once; a lowered one lets the running tasks finish. A lowered `maxAgents` deletes no agent.
     */
    put: operations['putNamespaceQuota'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/usage': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Usage of a namespace over a range of days
     * @description Cost, tokens and tasks of the namespace, and of each of its agents, over the days from `from` to `to` (UTC, both included), as counted when each task ended. Days older than 400 are not kept.
     */
    get: operations['getUsage'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The audit trail of a namespace
     * @description Every state-changing call (each method but GET) of the namespace, oldest first: who made it, the operation, the path, the status answered, when, and its request id. Never a body. Records are kept for `KOMPUTER_AUDIT_RETENTION_DAYS`.
     */
    get: operations['listAuditRecords'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/openapi.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** This OpenAPI document */
    get: operations['getOpenApiDocument'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/healthz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Liveness
     * @description Answers 200 while the process runs.
     */
    get: operations['getHealth'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/readyz': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Readiness
     * @description Answers 200 when the dependencies answer, and 503 when one does not or during shutdown.
     */
    get: operations['getReadiness'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/agents/{name}/approvals': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the agent’s pending approvals
     * @description The tool calls of the agent that wait for a decision (its `approvals` policy, or its template’s, named them), oldest first. Each was announced by an `approval_requested` event.
     */
    get: operations['listAgentApprovals'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/agents/{name}/approvals/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Approve or deny a tool call
     * @description `approve` runs the tool call; `deny` gives the model an error tool result that holds the reason. The decision is recorded as an `approval_resolved` event, with who decided. 409 when it was decided already, timed out or its task ended. 404 for an approval that is not the agent’s.
     */
    post: operations['decideAgentApproval'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/offices/{name}/approvals': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the office’s pending approvals
     * @description The pending approvals of every member of the office, the manager included.
     */
    get: operations['listOfficeApprovals'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/offices/{name}/approvals/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Approve or deny a tool call of an office member
     * @description As on the agent, for an approval of any member of the office. `approve` runs the tool call; `deny` gives the model an error tool result that holds the reason. The decision is recorded as an `approval_resolved` event, with who decided. 409 when it was decided already, timed out or its task ended. 404 for an approval of an agent outside the office.
     */
    post: operations['decideOfficeApproval'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    CreateApiKeyRequest: {
      /**
       * @description What the key is for, as operators will recognise it
       * @example ci-pipeline
       */
      name: string;
      namespaces: components['schemas']['KeyNamespaces'];
      level: components['schemas']['AccessLevel'];
    };
    /** @description The namespaces the key reaches: `"*"` for all of them, or a list */
    KeyNamespaces: '*' | string[];
    /**
     * @description `read`: GET operations; `write`: every operation but key management; `admin`: key management too
     * @enum {string}
     */
    AccessLevel: 'read' | 'write' | 'admin';
    CreateAgentRequest: {
      /**
       * @description DNS-1123 label, at most 63 characters
       * @example researcher
       */
      name: string;
      /** @description The task for the agent */
      instructions: string;
      /**
       * @description Namespace (DNS-1123 label). Defaults to the server default namespace.
       * @example default
       */
      namespace?: string;
      /** @description "manager" (default) or "worker" */
      role?: ('manager' | 'worker') | '';
      /**
       * @description Set when a manager agent creates this agent
       * @example researcher
       */
      officeManager?: string;
      /** @example claude-sonnet-4-6 */
      model?: string;
      /** @description Custom system prompt, prepended to the built-in role prompt */
      systemPrompt?: string;
      /**
       * @description Agent template name
       * @example default
       */
      templateRef?: string;
      /** @description Connector names to attach */
      connectors?: string[];
      /** @description Memory names to attach */
      memories?: string[];
      /** @description Skill names to attach */
      skills?: string[];
      /** @description Names of secrets to attach */
      secretRefs?: string[];
      /** @description User-defined key=value labels */
      labels?: {
        [key: string]: string;
      };
      /**
       * @description "" keeps the runtime, "Sleep" stops it but keeps the workspace, "AutoDelete" deletes the agent after its task
       * @enum {string}
       */
      lifecycle?: '' | 'Sleep' | 'AutoDelete';
      /** @description Queue priority; higher is admitted first */
      priority?: number;
      storage?: components['schemas']['StorageSpec'];
      podSpec?: components['schemas']['AgentPodSpec'];
      limits?: components['schemas']['AgentLimits'];
      /** @description Hosts the agent’s commands may reach, e.g. ["github.com", "*.npmjs.org:443"]; left out or ["*"]: the whole internet (never loopback, this host or private networks) */
      allowedDomains?: string[];
      /** @description The model’s context window, in tokens (komputer extension), for a model the built-in table does not know, such as one behind an Anthropic-compatible endpoint. The conversation is compacted before a model request would pass `KOMPUTER_COMPACT_THRESHOLD_PERCENT` of it */
      modelContextWindow?: number;
      thinking?: components['schemas']['Thinking'];
      approvals?: components['schemas']['ApprovalPolicy'];
    };
    /** @description The workspace volume of the agent’s pod (kubernetes runtime only; the local runtime ignores it) */
    StorageSpec: {
      /** @description The workspace volume’s size, e.g. "5Gi" */
      size?: string;
      storageClassName?: string;
    };
    /** @description Pod settings of the agent (kubernetes runtime only; the local runtime ignores them): a subset of a Kubernetes PodSpec (containers, nodeSelector, tolerations, runtimeClassName). Fields that the pod hardening fixes are refused (400), with the reason */
    AgentPodSpec: {
      /** @description At most one: settings of the agent runtime’s container */
      containers?: {
        /** @description Ignored: the one container is always the agent runtime */
        name?: string;
        /** @description The agent runtime image to run instead of the scheduler’s */
        image?: string;
        /** @enum {string} */
        imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
        resources?: {
          requests?: {
            [key: string]: string;
          };
          limits?: {
            [key: string]: string;
          };
        };
        /** @description Extra plain variables; the runtime’s own always win */
        env?: {
          name: string;
          /** @description A plain value; never a secret */
          value: string;
        }[];
      }[];
      nodeSelector?: {
        [key: string]: string;
      };
      tolerations?: {
        key?: string;
        /** @enum {string} */
        operator?: 'Exists' | 'Equal';
        value?: string;
        /** @enum {string} */
        effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
        tolerationSeconds?: number;
      }[];
      /** @description A RuntimeClass, such as a gVisor one, for a stronger sandbox */
      runtimeClassName?: string;
    };
    /** @description Task limits (komputer extension); each defaults to the server setting */
    AgentLimits: {
      /** @description Model calls per task */
      maxTurns?: number;
      /** @description Spend per task, in USD */
      maxBudgetUsd?: number;
      /** @description Time per task, in milliseconds */
      timeoutMs?: number;
    };
    /** @description Extended thinking: the model reasons before it answers, within `budgetTokens` per model call; its thinking comes as `thinking` events and is paid as output tokens */
    Thinking: {
      /** @description Most tokens the model may think for in one model call; each call may write this many tokens more */
      budgetTokens: number;
    };
    /** @description Tool calls that wait for a person’s approval. An agent’s policy adds to its template’s: a call needs approval when either names it, and the agent’s `timeoutSeconds` wins */
    ApprovalPolicy: {
      /** @description Tools every call of which needs approval, by name or glob: built-in (`Write`, `Bash`), connector (`mcp__github__*`) or platform tools (`create_agent`) */
      tools?: string[];
      /** @description `Bash` commands that need approval, as globs over the whole command (white space around it left out): `rm *`, `git push*`, `*curl *` */
      bashCommands?: string[];
      /** @description How long a call waits for its decision before it is denied as timed out (default 600) */
      timeoutSeconds?: number;
    };
    PatchAgentRequest: {
      /** @description The task for the agent */
      instructions?: string;
      /** @example claude-sonnet-4-6 */
      model?: string;
      /** @description Custom system prompt, prepended to the built-in role prompt */
      systemPrompt?: string;
      /**
       * @description Agent template name
       * @example default
       */
      templateRef?: string;
      /** @description Connector names to attach */
      connectors?: string[];
      /** @description Memory names to attach */
      memories?: string[];
      /** @description Skill names to attach */
      skills?: string[];
      /** @description Names of secrets to attach */
      secretRefs?: string[];
      /** @description User-defined key=value labels */
      labels?: {
        [key: string]: string;
      };
      /**
       * @description "" keeps the runtime, "Sleep" stops it but keeps the workspace, "AutoDelete" deletes the agent after its task
       * @enum {string}
       */
      lifecycle?: '' | 'Sleep' | 'AutoDelete';
      /** @description Queue priority; higher is admitted first */
      priority?: number;
      storage?: components['schemas']['StorageSpec'];
      podSpec?: components['schemas']['AgentPodSpec'];
      limits?: components['schemas']['AgentLimits'];
      /** @description Hosts the agent’s commands may reach, e.g. ["github.com", "*.npmjs.org:443"]; left out or ["*"]: the whole internet (never loopback, this host or private networks) */
      allowedDomains?: string[];
      /** @description The model’s context window, in tokens (komputer extension), for a model the built-in table does not know, such as one behind an Anthropic-compatible endpoint. The conversation is compacted before a model request would pass `KOMPUTER_COMPACT_THRESHOLD_PERCENT` of it */
      modelContextWindow?: number;
      thinking?: components['schemas']['Thinking'];
      approvals?: components['schemas']['ApprovalPolicy'];
    };
    CompactAgentRequest: {
      /** @description Guidance for the summary: what it must keep, what it may drop */
      instructions?: string;
    };
    /** @description An event id (`<ms>-<seq>`) or an RFC 3339 timestamp */
    EventCursor: string;
    CreateConnectorRequest: {
      /**
       * @description DNS-1123 label, at most 63 characters
       * @example researcher
       */
      name: string;
      /**
       * @description Namespace (DNS-1123 label). Defaults to the server default namespace.
       * @example default
       */
      namespace?: string;
      /** @example github */
      service: string;
      displayName?: string;
      /**
       * Format: uri
       * @example https://mcp.example.com/mcp
       */
      url: string;
      /**
       * @description Connector type: an MCP server over HTTP. "remote" (as komputer.ai clients send it) means the same; default "mcp"
       * @enum {string}
       */
      type?: 'mcp' | 'remote';
      /**
       * @description "token" sends `Authorization: Bearer <value>`; "header" sends `<headerName>: <value>`; "oauth" sends `Authorization: Bearer <access token>`, obtained by the authorization-code flow (`POST /oauth/authorize`) and refreshed before it expires. Default "token" when authSecretName is set
       * @enum {string}
       */
      authType?: 'token' | 'header' | 'oauth';
      /** @description The header that carries the secret when authType is "header" */
      headerName?: string;
      /**
       * @description The secret that holds the credential
       * @example researcher
       */
      authSecretName?: string;
      /**
       * @description The key inside that secret
       * @example token
       */
      authSecretKey?: string;
      /** @description The OAuth client ID, with authType "oauth" */
      oauthClientId?: string;
      /** @description The OAuth client secret, with authType "oauth": sealed like a secret and never shown. Leave it out for a public client; on an update with the same client ID, leaving it out keeps the stored one */
      oauthClientSecret?: string;
    };
    OAuthAuthorizeRequest: {
      /**
       * @description The connector, whose authType is "oauth"
       * @example researcher
       */
      connector_name: string;
      /**
       * @description Namespace (DNS-1123 label). Defaults to the server default namespace.
       * @example default
       */
      namespace?: string;
    };
    OAuthRefreshRequest: components['schemas']['OAuthAuthorizeRequest'];
    CreateSecretRequest: {
      /**
       * @description DNS-1123 label, at most 63 characters
       * @example researcher
       */
      name: string;
      /**
       * @description Namespace (DNS-1123 label). Defaults to the server default namespace.
       * @example default
       */
      namespace?: string;
      /** @description Key-value pairs; the values are write-only and never shown again */
      data: {
        [key: string]: string;
      };
    };
    UpdateSecretRequest: {
      /**
       * @description Namespace (DNS-1123 label). Defaults to the server default namespace.
       * @example default
       */
      namespace?: string;
      /** @description Key-value pairs; the values are write-only and never shown again */
      data: {
        [key: string]: string;
      };
    };
    CreateMemoryRequest: {
      /**
       * @description DNS-1123 label, at most 63 characters
       * @example researcher
       */
      name: string;
      /**
       * @description Namespace (DNS-1123 label). Defaults to the server default namespace.
       * @example default
       */
      namespace?: string;
      /** @description Text appended to the system prompt of every agent that attaches it (at most 16000 characters) */
      content: string;
      description?: string;
    };
    PatchMemoryRequest: {
      /** @description Text appended to the system prompt of every agent that attaches it (at most 16000 characters) */
      content?: string;
      description?: string;
    };
    CreateSkillRequest: {
      /**
       * @description DNS-1123 label, at most 63 characters
       * @example researcher
       */
      name: string;
      /**
       * @description Namespace (DNS-1123 label). Defaults to the server default namespace.
       * @example default
       */
      namespace?: string;
      /** @description The skill's instructions (and any script), written into the workspace as SKILL.md (at most 32000 characters) */
      content: string;
      /** @description When to use the skill; the system prompt lists it */
      description: string;
    };
    PatchSkillRequest: {
      /** @description The skill's instructions (and any script), written into the workspace as SKILL.md (at most 32000 characters) */
      content?: string;
      /** @description When to use the skill; the system prompt lists it */
      description?: string;
    };
    CreateTemplateRequest: {
      /**
       * @description DNS-1123 label, at most 63 characters
       * @example researcher
       */
      name: string;
      /**
       * @description Namespace (DNS-1123 label). Defaults to the server default namespace.
       * @example default
       */
      namespace?: string;
      /** @description Default "namespace" */
      scope?: components['schemas']['TemplateScope'];
      description?: string;
      /**
       * @description The model of its agents that name none (default "claude-sonnet-4-6")
       * @example claude-sonnet-4-6
       */
      model?: string;
      limits?: components['schemas']['AgentLimits'];
      podSpec?: components['schemas']['AgentPodSpec'];
      storage?: components['schemas']['StorageSpec'];
      /** @description Hosts the agent’s commands may reach, e.g. ["github.com", "*.npmjs.org:443"]; left out or ["*"]: the whole internet (never loopback, this host or private networks) */
      allowedDomains?: string[];
      /** @description Extended thinking for its agents that ask for none of their own */
      thinking?: components['schemas']['Thinking'];
      /** @description Most of its agents running a task at once; the tasks of the others wait in the queue, in order of `priority` then age, and show `queuePosition` and `queueReason`. Left out: no cap */
      maxConcurrentAgents?: number;
      ttl?: components['schemas']['TemplateTtl'];
      managerScope?: components['schemas']['ManagerScope'];
      approvals?: components['schemas']['ApprovalPolicy'];
      /** @description How many ready pods, each with its workspace volume, the kubernetes driver keeps for new agents of this template to claim, so that their first task skips pod creation. Agents with their own `podSpec` or `storage` do not take them. Left out or 0: no pool. The local driver ignores it */
      warmPoolSize?: number;
    };
    /**
     * @description "namespace": for the agents of its namespace; "cluster": for the agents of every namespace that has no template of that name
     * @enum {string}
     */
    TemplateScope: 'namespace' | 'cluster';
    /** @description How long the template’s agents live on once their last task has ended; each setting wins over the scheduler’s default. Checked on every reconciliation pass of the schedulers */
    TemplateTtl: {
      /** @description Put an agent to sleep (its runtime stops, its workspace stays; its next task wakes it) once it has been idle this many minutes after its last task. Left out: the scheduler’s `KOMPUTER_SLEEP_AFTER_IDLE_MS` */
      idleSleepMinutes?: number;
      /** @description Delete an agent, as `DELETE` does (runtime, workspace and events), this many hours after its last task ended, unless a task came since. Left out: the scheduler’s `KOMPUTER_DELETE_AFTER_IDLE_MS` */
      deleteAfterHours?: number;
    };
    /**
     * @description Which agents a manager agent of this template may change, task, cancel, sleep or delete with its platform tools: "created" (the default), only those it created (their `officeManager` is its name) and itself; "namespace", every agent of its namespace. It never reaches another namespace
     * @enum {string}
     */
    ManagerScope: 'created' | 'namespace';
    PatchTemplateRequest: {
      description?: string;
      /**
       * @description The model of its agents that name none (default "claude-sonnet-4-6")
       * @example claude-sonnet-4-6
       */
      model?: string;
      limits?: components['schemas']['AgentLimits'];
      podSpec?: components['schemas']['AgentPodSpec'];
      storage?: components['schemas']['StorageSpec'];
      /** @description Hosts the agent’s commands may reach, e.g. ["github.com", "*.npmjs.org:443"]; left out or ["*"]: the whole internet (never loopback, this host or private networks) */
      allowedDomains?: string[];
      /** @description Extended thinking for its agents that ask for none of their own */
      thinking?: components['schemas']['Thinking'];
      /** @description Most of its agents running a task at once; the tasks of the others wait in the queue, in order of `priority` then age, and show `queuePosition` and `queueReason`. Left out: no cap */
      maxConcurrentAgents?: number;
      ttl?: components['schemas']['TemplateTtl'];
      managerScope?: components['schemas']['ManagerScope'];
      approvals?: components['schemas']['ApprovalPolicy'];
      /** @description How many ready pods, each with its workspace volume, the kubernetes driver keeps for new agents of this template to claim, so that their first task skips pod creation. Agents with their own `podSpec` or `storage` do not take them. Left out or 0: no pool. The local driver ignores it */
      warmPoolSize?: number;
    };
    CreateScheduleRequest: {
      /**
       * @description DNS-1123 label, at most 63 characters
       * @example researcher
       */
      name: string;
      /**
       * @description Namespace (DNS-1123 label). Defaults to the server default namespace.
       * @example default
       */
      namespace?: string;
      /**
       * @description Cron expression: 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or a macro such as "@daily"
       * @example 0 9 * * 1-5
       */
      schedule: string;
      /**
       * @description IANA time zone in which the cron expression is read (default "UTC")
       * @example Europe/Paris
       */
      timezone?: string;
      /** @description The task that each run gives the agent */
      instructions: string;
      /**
       * @description The agent that each run gives the task to (default: the schedule’s name). Without `agent`, it must exist
       * @example researcher
       */
      agentName?: string;
      agent?: components['schemas']['CreateScheduleAgentSpec'];
      /** @description Delete the schedule after its first run that starts a task (a one-off) */
      autoDelete?: boolean;
      /** @description Accepted for compatibility and shown: runs reuse one agent by name, which stays after each task either way (its `agent.lifecycle` decides whether it sleeps or is deleted) */
      keepAgents?: boolean;
      /** @description A suspended schedule does not fire */
      suspended?: boolean;
    };
    /** @description The agent to create when the schedule’s agent does not exist when a run fires; its other settings take their defaults */
    CreateScheduleAgentSpec: {
      /** @example claude-sonnet-4-6 */
      model?: string;
      /** @description "manager" (default) or "worker" */
      role?: ('manager' | 'worker') | '';
      /**
       * @description Agent template name
       * @example default
       */
      templateRef?: string;
      /** @description Names of secrets to attach */
      secretRefs?: string[];
      /**
       * @description "" keeps the runtime, "Sleep" stops it but keeps the workspace, "AutoDelete" deletes the agent after its task
       * @enum {string}
       */
      lifecycle?: '' | 'Sleep' | 'AutoDelete';
    };
    PatchScheduleRequest: {
      /**
       * @description Cron expression: 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or a macro such as "@daily"
       * @example 0 9 * * 1-5
       */
      schedule?: string;
      /**
       * @description IANA time zone in which the cron expression is read (default "UTC")
       * @example Europe/Paris
       */
      timezone?: string;
      /** @description The task that each run gives the agent */
      instructions?: string;
      /**
       * @description The agent that each run gives the task to (default: the schedule’s name). Without `agent`, it must exist
       * @example researcher
       */
      agentName?: string;
      agent?: components['schemas']['CreateScheduleAgentSpec'];
      /** @description Delete the schedule after its first run that starts a task (a one-off) */
      autoDelete?: boolean;
      /** @description Accepted for compatibility and shown: runs reuse one agent by name, which stays after each task either way (its `agent.lifecycle` decides whether it sleeps or is deleted) */
      keepAgents?: boolean;
      /** @description A suspended schedule does not fire */
      suspended?: boolean;
    };
    /** @description A member’s event as `<agent>:<event id>` (exact), an event id (`<ms>-<seq>`) or an RFC 3339 timestamp */
    OfficeEventCursor: string;
    CreateSquadRequest: {
      /**
       * @description DNS-1123 label, at most 63 characters
       * @example researcher
       */
      name: string;
      /**
       * @description Namespace (DNS-1123 label). Defaults to the server default namespace.
       * @example default
       */
      namespace?: string;
      /** @description The agents that share one workspace; the first one’s workspace is shared */
      members: components['schemas']['SquadMember'][];
      /**
       * @description How long the squad is kept once it has no members (then it is deleted); without it, it is kept until deleted
       * @example 10m
       */
      orphanTTL?: string;
    };
    SquadMember: {
      /**
       * @description The agent’s name; for an existing agent `ref.name` wins
       * @example researcher
       */
      name?: string;
      ref?: components['schemas']['SquadMemberRef'];
      /** @description Not supported: create the agent with POST /agents, then add it by ref */
      spec?: {
        [key: string]: unknown;
      };
    };
    SquadMemberRef: {
      /**
       * @description DNS-1123 label, at most 63 characters
       * @example researcher
       */
      name: string;
      /**
       * @description Defaults to the squad’s namespace, and must be it
       * @example default
       */
      namespace?: string;
    };
    PatchSquadRequest: {
      members?: components['schemas']['SquadMember'][];
      /** @description A duration, or "" to remove it */
      orphanTTL?: string | '';
    };
    AddSquadMemberRequest: components['schemas']['SquadMember'];
    /** @description A JSON-RPC 2.0 message of the Model Context Protocol */
    McpMessage: {
      /** @constant */
      jsonrpc: '2.0';
    } & {
      [key: string]: unknown;
    };
    NamespaceQuota: {
      /** @description Most agents the namespace holds; creating one more answers 403 `QUOTA_EXCEEDED` (giving an existing agent a task does not count) */
      maxAgents?: number;
      /** @description Most tasks running at once in the namespace; the others wait in the queue (`status: Queued`, with `queuePosition` and `queueReason`), by priority then age */
      maxRunningTasks?: number;
      /** @description Spend in USD per calendar month (UTC): a task is refused with 402 `BUDGET_EXCEEDED` once the month’s spend reaches it, and a running task stops (`error`) when it would spend past what is left */
      monthlyBudgetUsd?: number;
    };
    DecideApprovalRequest: {
      /** @enum {string} */
      decision: 'approve' | 'deny';
      /** @description Why; a denied call’s tool result, which the model reads, holds it */
      reason?: string;
    };
    /** @enum {string} */
    ErrorCode:
      | 'VALIDATION_FAILED'
      | 'INVALID_JSON'
      | 'UNSUPPORTED_MEDIA_TYPE'
      | 'PAYLOAD_TOO_LARGE'
      | 'NOT_FOUND'
      | 'AGENT_NOT_FOUND'
      | 'AGENT_BUSY'
      | 'TOO_MANY_STEERS'
      | 'RATE_LIMITED'
      | 'QUOTA_EXCEEDED'
      | 'BUDGET_EXCEEDED'
      | 'NO_ACTIVE_TASK'
      | 'CONNECTOR_NOT_FOUND'
      | 'CONNECTOR_IN_USE'
      | 'CONNECTOR_UNREACHABLE'
      | 'CONNECTOR_NOT_OAUTH'
      | 'OAUTH_NOT_CONNECTED'
      | 'OAUTH_STATE_INVALID'
      | 'OAUTH_DENIED'
      | 'OAUTH_SERVER_ERROR'
      | 'SECRET_NOT_FOUND'
      | 'MEMORY_NOT_FOUND'
      | 'MEMORY_IN_USE'
      | 'SKILL_NOT_FOUND'
      | 'SKILL_IN_USE'
      | 'TEMPLATE_NOT_FOUND'
      | 'TEMPLATE_IN_USE'
      | 'SCHEDULE_NOT_FOUND'
      | 'FILE_NOT_FOUND'
      | 'INVALID_PATH'
      | 'NOT_A_FILE'
      | 'PATH_OUTSIDE_WORKSPACE'
      | 'FILE_TOO_LARGE'
      | 'DOWNLOAD_UNAVAILABLE'
      | 'OFFICE_NOT_FOUND'
      | 'SQUAD_NOT_FOUND'
      | 'SQUAD_EXISTS'
      | 'SQUAD_MEMBER_CONFLICT'
      | 'SQUAD_BUSY'
      | 'APPROVAL_NOT_FOUND'
      | 'APPROVAL_CLOSED'
      | 'METHOD_NOT_ALLOWED'
      | 'UNAUTHENTICATED'
      | 'API_KEY_NOT_FOUND'
      | 'TOO_MANY_API_KEYS'
      | 'FORBIDDEN'
      | 'NAMESPACE_FORBIDDEN'
      | 'AGENT_NOT_MANAGED'
      | 'MANAGER_BUDGET_EXCEEDED'
      | 'TOO_MANY_SUB_TASKS'
      | 'ALREADY_ATTACHED'
      | 'NOT_ATTACHED'
      | 'CURSOR_EXPIRED'
      | 'UPGRADE_REQUIRED'
      | 'SLOW_CONSUMER'
      | 'TOO_MANY_CONNECTIONS'
      | 'SHUTTING_DOWN'
      | 'REDIS_UNAVAILABLE'
      | 'REGISTRY_UNAVAILABLE'
      | 'REGISTRY_TIMEOUT'
      | 'INTERNAL';
    ApiKeySecret: {
      id: string;
      name: string;
      namespaces: '*' | string[];
      level: components['schemas']['AccessLevel'];
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @description When its secret was last replaced
       * @example 2026-01-01T00:00:00.000Z
       */
      rotatedAt?: string;
      /** @description The key string (`kpt_<id>_<secret>`), shown this once: send it as `Authorization: Bearer` or `X-API-Key` */
      key: string;
    };
    Error: {
      /** @description What went wrong, for a person to read */
      error: string;
      code: components['schemas']['ErrorCode'];
      type: components['schemas']['ErrorType'];
      /** @description The X-Request-Id of the request; quote it in a report */
      requestId: string;
      /** @description Whether the same request may succeed later */
      retryable: boolean;
      details?: {
        issues?: components['schemas']['FieldIssue'][];
      } & {
        [key: string]: unknown;
      };
    };
    /** @enum {string} */
    ErrorType:
      | 'invalid_request_error'
      | 'authentication_error'
      | 'billing_error'
      | 'permission_error'
      | 'not_found_error'
      | 'conflict_error'
      | 'request_too_large'
      | 'rate_limit_error'
      | 'unavailable_error'
      | 'api_error';
    FieldIssue: {
      /** @description Dotted path of the field, e.g. "body.name" */
      path: string;
      message: string;
    };
    ApiKeyList: {
      apiKeys: components['schemas']['ApiKey'][];
    };
    ApiKey: {
      id: string;
      name: string;
      namespaces: '*' | string[];
      level: components['schemas']['AccessLevel'];
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @description When its secret was last replaced
       * @example 2026-01-01T00:00:00.000Z
       */
      rotatedAt?: string;
    };
    RevokeApiKeyResponse: {
      /** @constant */
      status: 'revoked';
      id: string;
    };
    AuthTicket: {
      /** @description Pass it as `?ticket=` on one WebSocket or SSE request; it works once */
      ticket: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      expiresAt: string;
    };
    AgentListResponse: {
      agents: components['schemas']['AgentResponse'][];
    };
    AgentResponse: {
      name: string;
      namespace: string;
      /** @description The agent’s own model, or else the one its template gives it */
      model: string;
      /** @enum {string} */
      role: 'manager' | 'worker';
      templateRef: string;
      status: components['schemas']['AgentStatus'];
      taskStatus?: components['schemas']['TaskStatus'];
      /** @description While the queued task waits its turn: its place in that line (1 = next). The line is the template’s, while the task waits for a slot of its `maxConcurrentAgents` (`status` is then `Queued`), or else the task queue’s, while it waits for a scheduler to take it */
      queuePosition?: number;
      /** @description Why the queued task waits, while `queuePosition` is shown */
      queueReason?: string;
      /** @description What went wrong, when the agent’s last task ended in an error (`taskStatus` `Error`): that error’s message, as its `lastTaskMessage` holds it. Left out when there is none */
      errors?: string[];
      /** @description The current task, or the last one */
      taskId?: string;
      instructions: string;
      systemPrompt?: string;
      lastTaskMessage?: string;
      lastTaskCostUSD?: string;
      totalCostUSD?: string;
      totalTokens?: number;
      sessionId?: string;
      connectors: string[];
      memories: string[];
      skills: string[];
      /** @description Attached secret names (never values) */
      secrets: string[];
      labels: {
        [key: string]: string;
      };
      /**
       * @description "" keeps the runtime, "Sleep" stops it but keeps the workspace, "AutoDelete" deletes the agent after its task
       * @enum {string}
       */
      lifecycle: '' | 'Sleep' | 'AutoDelete';
      priority: number;
      storage?: components['schemas']['StorageSpecOutput'];
      podSpec?: {
        [key: string]: unknown;
      };
      limits?: components['schemas']['AgentLimitsOutput'];
      allowedDomains?: string[];
      /** @description The model’s context window, in tokens: the agent’s own `modelContextWindow`, or the model’s from the built-in table (200000 for a model it does not know) */
      modelContextWindow: number;
      thinking?: components['schemas']['Thinking'];
      approvals?: components['schemas']['ApprovalPolicyOutput'];
      /** @description True when this agent is a member of a squad */
      squad: boolean;
      /** @description The squad it is a member of (when `squad` is true) */
      squadName?: string;
      /** @description The agent that created it: the office it belongs to goes up from there */
      officeManager?: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      completionTime?: string;
    };
    /**
     * @description `Pending` (no runtime started yet), `Running`, `Sleeping` (runtime stopped, workspace kept), `Failed` (its runtime died; the next task starts a new one), or `Queued` while its task waits for a slot of its template’s `maxConcurrentAgents` (komputer.ai’s phases; its `Succeeded` never applies)
     * @enum {string}
     */
    AgentStatus: 'Pending' | 'Running' | 'Sleeping' | 'Failed' | 'Queued';
    /** @enum {string} */
    TaskStatus: 'Queued' | 'InProgress' | 'Compacting' | 'Complete' | 'Cancelled' | 'Error';
    CreateAgentResponse: {
      name: string;
      namespace: string;
      /** @description The agent’s own model, or else the one its template gives it */
      model: string;
      /** @enum {string} */
      role: 'manager' | 'worker';
      templateRef: string;
      status: components['schemas']['AgentStatus'];
      taskStatus?: components['schemas']['TaskStatus'];
      /** @description While the queued task waits its turn: its place in that line (1 = next). The line is the template’s, while the task waits for a slot of its `maxConcurrentAgents` (`status` is then `Queued`), or else the task queue’s, while it waits for a scheduler to take it */
      queuePosition?: number;
      /** @description Why the queued task waits, while `queuePosition` is shown */
      queueReason?: string;
      /** @description What went wrong, when the agent’s last task ended in an error (`taskStatus` `Error`): that error’s message, as its `lastTaskMessage` holds it. Left out when there is none */
      errors?: string[];
      /** @description The task given to the agent: a new one, or, when `steered`, the busy task that the instructions were added to */
      taskId: string;
      instructions: string;
      systemPrompt?: string;
      lastTaskMessage?: string;
      lastTaskCostUSD?: string;
      totalCostUSD?: string;
      totalTokens?: number;
      sessionId?: string;
      connectors: string[];
      memories: string[];
      skills: string[];
      /** @description Attached secret names (never values) */
      secrets: string[];
      labels: {
        [key: string]: string;
      };
      /**
       * @description "" keeps the runtime, "Sleep" stops it but keeps the workspace, "AutoDelete" deletes the agent after its task
       * @enum {string}
       */
      lifecycle: '' | 'Sleep' | 'AutoDelete';
      priority: number;
      storage?: components['schemas']['StorageSpecOutput'];
      podSpec?: {
        [key: string]: unknown;
      };
      limits?: components['schemas']['AgentLimitsOutput'];
      allowedDomains?: string[];
      /** @description The model’s context window, in tokens: the agent’s own `modelContextWindow`, or the model’s from the built-in table (200000 for a model it does not know) */
      modelContextWindow: number;
      thinking?: components['schemas']['Thinking'];
      approvals?: components['schemas']['ApprovalPolicyOutput'];
      /** @description True when this agent is a member of a squad */
      squad: boolean;
      /** @description The squad it is a member of (when `squad` is true) */
      squadName?: string;
      /** @description The agent that created it: the office it belongs to goes up from there */
      officeManager?: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      completionTime?: string;
      /** @description True when this request created the agent */
      created: boolean;
      /** @description True when the agent was busy and the instructions were added to its task as a follow-up message (a steer), taken before its next model request; false when they started a task */
      steered: boolean;
      /** @description When `steered`: the steer’s number among the agent’s steers (they are taken in this order). The `user_message` event that records it being taken carries it as `steer_index` */
      steerIndex?: number;
    };
    DeleteAgentResponse: {
      /** @constant */
      status: 'deleted';
      name: string;
      namespace: string;
    };
    CancelAgentResponse: {
      /**
       * @description "cancelled" when a queued task was removed; "cancelling" when a running task was asked to stop
       * @enum {string}
       */
      status: 'cancelled' | 'cancelling';
      name: string;
      namespace: string;
      taskId: string;
    };
    CompactAgentResponse: {
      /**
       * @description The running task compacts its conversation at its next turn boundary; a `compaction` event records it
       * @constant
       */
      status: 'compacting';
      name: string;
      namespace: string;
      /** @description The running task that compacts */
      taskId: string;
    };
    AgentEventListResponse: {
      /** @description The agent the events are of */
      agent: string;
      events: components['schemas']['AgentEvent'][];
    };
    AgentEvent:
      | components['schemas']['TaskStartedEvent']
      | components['schemas']['ThinkingEvent']
      | components['schemas']['TextEvent']
      | components['schemas']['TextDeltaEvent']
      | components['schemas']['ToolCallEvent']
      | components['schemas']['ToolResultEvent']
      | components['schemas']['TaskCompletedEvent']
      | components['schemas']['TaskCancelledEvent']
      | components['schemas']['ErrorEvent']
      | components['schemas']['UserMessageEvent']
      | components['schemas']['CompactionEvent']
      | components['schemas']['WarningEvent']
      | components['schemas']['ApprovalRequestedEvent']
      | components['schemas']['ApprovalResolvedEvent'];
    TaskStartedEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'task_started';
      payload: {
        instructions: string;
        model: string;
        resuming_session: boolean;
        /**
         * @description Whether the agent’s commands run in the OS sandbox for this task
         * @enum {string}
         */
        sandbox?: 'on' | 'off';
        /** @description What the operator should know about how the task runs */
        warning?: string;
      };
    };
    ThinkingEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'thinking';
      payload: {
        content: string;
      };
    };
    TextEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'text';
      payload: {
        content: string;
      };
    };
    TextDeltaEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'text_delta';
      payload: {
        content: string;
      };
    };
    ToolCallEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'tool_call';
      payload: {
        id: string;
        tool: string;
        input: unknown;
      };
    };
    ToolResultEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'tool_result';
      payload: {
        id: string;
        tool: string;
        output: string;
        is_error: boolean;
      };
    };
    TaskCompletedEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'task_completed';
      payload: {
        result: string;
        cost_usd: number;
        duration_ms: number;
        turns: number;
        stop_reason: string;
        session_id: string;
        usage: components['schemas']['Usage'];
        model: string;
      };
    };
    Usage: {
      input_tokens: number;
      output_tokens: number;
      cache_creation_input_tokens?: number;
      cache_read_input_tokens?: number;
    };
    TaskCancelledEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'task_cancelled';
      payload: {
        reason: string;
        cost_usd?: number;
        usage?: components['schemas']['Usage'];
      };
    };
    ErrorEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'error';
      payload: {
        error: string;
        retryable: boolean;
        cost_usd?: number;
        usage?: components['schemas']['Usage'];
      };
    };
    UserMessageEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'user_message';
      payload: {
        content: string;
        /** @description The steer this message is (its `steerIndex` in the answer to the POST that sent it): recorded as the task takes it, before its next model request */
        steer_index?: number;
      };
    };
    CompactionEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'compaction';
      payload: {
        /** @description The summary that replaced the conversation */
        summary: string;
        /**
         * @description `manual`: asked for with `POST /agents/{name}/compact`; `auto`: the conversation neared the model’s context window
         * @enum {string}
         */
        trigger: 'manual' | 'auto';
        /** @description The conversation’s input tokens before, as the model counted them */
        tokens_before: number;
        /** @description The summary’s tokens, as the model counted them: the conversation’s size after */
        tokens_after: number;
        /** @description The guidance given with a manual compaction */
        instructions?: string;
      };
    };
    WarningEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'warning';
      payload: {
        message: string;
        connector?: string;
      };
    };
    ApprovalRequestedEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'approval_requested';
      payload: {
        approval_id: string;
        tool_use_id: string;
        tool: string;
        input: unknown;
        /**
         * Format: date-time
         * @example 2026-01-01T00:00:00.000Z
         */
        expires_at: string;
      };
    };
    ApprovalResolvedEvent: {
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      timestamp: string;
      /**
       * @description discriminator enum property added by openapi-typescript
       * @enum {string}
       */
      type: 'approval_resolved';
      payload: {
        approval_id: string;
        tool_use_id: string;
        tool: string;
        /** @enum {string} */
        decision: 'approved' | 'denied' | 'expired';
        reason?: string;
        decided_by?: components['schemas']['ApprovalDecider'];
      };
    };
    ApprovalDecider: {
      /** @enum {string} */
      kind: 'anonymous' | 'key';
      /** @description The API key’s id, for a key */
      keyId?: string;
    };
    AgentCostResponse: {
      agent: string;
      /** @description The tasks that ended and whose `task_started` the event stream still holds, oldest first */
      tasks: components['schemas']['TaskCost'][];
      /** @description The sum of the tasks’ `costUSD` */
      totalCost: number;
      taskCount: number;
    };
    TaskCost: {
      /** @description The task’s place among the tasks of the breakdown, oldest first, from 0 */
      index: number;
      taskId: string;
      /**
       * Format: date-time
       * @description When its `task_started` was recorded
       * @example 2026-01-01T00:00:00.000Z
       */
      startedAt: string;
      /**
       * Format: date-time
       * @description When its terminal event was recorded
       * @example 2026-01-01T00:00:00.000Z
       */
      completedAt: string;
      /** @description The task’s instructions, cut to 200 characters */
      instruction: string;
      outcome: components['schemas']['TaskOutcome'];
      costUSD: number;
      durationMs: number;
      turns: number;
      inputTokens: number;
      outputTokens: number;
      cacheReadTokens: number;
      cacheCreateTokens: number;
      /** @description Whether the task took a steer: a message sent to the agent while it was busy */
      steer: boolean;
      /** @description How many steers the task took (its `user_message` events with a `steer_index`) */
      steers: number;
      /** @description How many events of the task the stream holds, `text_delta`s left out */
      events: number;
    };
    /**
     * @description The task’s terminal event: `task_completed`, `task_cancelled` or `error`. A task that did not complete reports what it had spent (0 when its terminal event says nothing), and no turns
     * @enum {string}
     */
    TaskOutcome: 'completed' | 'cancelled' | 'error';
    ConnectorListResponse: {
      connectors: components['schemas']['ConnectorResponse'][];
    };
    ConnectorResponse: {
      service: string;
      displayName?: string;
      url: string;
      type: string;
      /**
       * @description "token" sends `Authorization: Bearer <value>`; "header" sends `<headerName>: <value>`; "oauth" sends `Authorization: Bearer <access token>`, obtained by the authorization-code flow (`POST /oauth/authorize`) and refreshed before it expires. Default "token" when authSecretName is set
       * @enum {string}
       */
      authType?: 'token' | 'header' | 'oauth';
      headerName?: string;
      authSecretName?: string;
      authSecretKey?: string;
      name: string;
      namespace: string;
      attachedAgents: number;
      /** @description Agents that name it in connectors */
      agentNames: string[];
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      createdAt: string;
      /** @description What the registry last saw of the MCP server (tool discovery, tool calls); absent until it is first asked */
      health?: components['schemas']['ConnectorHealth'];
      /** @description With authType "oauth" only */
      oauthStatus?: components['schemas']['OAuthStatus'];
      /** @description Why oauthStatus is "expired" or "error", as the authorization server said */
      oauthError?: string;
    };
    ConnectorHealth: {
      /** @description Whether the server answered the last check */
      reachable: boolean;
      /** @description Why the last check failed; absent when it succeeded */
      lastError?: string;
      /**
       * Format: date-time
       * @description When the server was last asked for its tools, or last failed a call
       * @example 2026-01-01T00:00:00.000Z
       */
      checkedAt: string;
    };
    /**
     * @description "pending": no consent yet (`POST /oauth/authorize`); "connected": it holds tokens; "expired": the authorization server refused its refresh token (revoked or expired): authorize again; "error": the authorization server refused its client credentials: fix oauthClientId/oauthClientSecret, then authorize again
     * @enum {string}
     */
    OAuthStatus: 'pending' | 'connected' | 'expired' | 'error';
    DeleteConnectorResponse: {
      /** @constant */
      status: 'deleted';
      name: string;
      namespace: string;
    };
    ConnectorToolsResponse: {
      connector: string;
      tools: components['schemas']['McpTool'][];
    };
    McpTool: {
      name: string;
      description?: string;
      inputSchema: {
        [key: string]: unknown;
      };
    };
    ConnectorTemplateListResponse: {
      templates: components['schemas']['ConnectorTemplate'][];
    };
    ConnectorTemplate: {
      /**
       * @description The connector’s `service`
       * @example github
       */
      service: string;
      displayName: string;
      description: string;
      /** @description The MCP server’s URL; `__custom__` for the entry that asks for a URL (komputer.ai’s form reads it so) */
      url: string;
      authType: components['schemas']['ConnectorTemplateAuthType'];
      /** @description What to call the credential in a form */
      authLabel: string;
      /** @description What a credential looks like, or "" */
      authPlaceholder: string;
      /** @description How to get the credential, step by step */
      guideSteps: string[];
      /** @description The brand colour, `#rrggbb` */
      color: string;
      /** @description A logo to show, or "" */
      logoUrl: string;
    };
    /**
     * @description `token`: a secret sent as `Authorization: Bearer` (a connector’s authType "token"); `oauth`: a consent (authType "oauth"); `none`: no credential
     * @enum {string}
     */
    ConnectorTemplateAuthType: 'token' | 'oauth' | 'none';
    OAuthAuthorizeResponse: {
      /**
       * Format: uri
       * @description The authorization server's page that a person opens to consent; it comes back to `GET /oauth/callback`
       */
      authorizeUrl: string;
    };
    OAuthCallbackResponse: {
      connector: string;
      namespace: string;
      /** @constant */
      oauthStatus: 'connected';
    };
    OAuthRefreshResponse: {
      connector: string;
      namespace: string;
      oauthStatus: components['schemas']['OAuthStatus'];
      /** @description When the new access token expires, in seconds since the epoch; absent when the authorization server did not say. The token itself is never returned */
      expires_at?: number;
    };
    SecretListResponse: {
      secrets: components['schemas']['SecretResponse'][];
    };
    SecretResponse: {
      name: string;
      namespace: string;
      /** @description Key names, sorted (never values) */
      keys: string[];
      /** @description Always true: komputer stores every secret it lists */
      managed: boolean;
      attachedAgents: number;
      /** @description Agents that name it in secretRefs */
      agentNames: string[];
      /** @description The agent the secret belongs to: the one agent that names it in secretRefs, when exactly one does (as komputer.ai names the agent a secret was made for); left out otherwise */
      agentName?: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      createdAt: string;
    };
    SecretStatusResponse: {
      /** @enum {string} */
      status: 'updated' | 'deleted';
      name: string;
      namespace: string;
    };
    MemoryListResponse: {
      memories: components['schemas']['MemoryResponse'][];
    };
    MemoryResponse: {
      name: string;
      namespace: string;
      content: string;
      description?: string;
      attachedAgents: number;
      /** @description Agents that name it in memories ("name" in its namespace, "namespace/name" elsewhere) */
      agentNames: string[];
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      createdAt: string;
    };
    DeleteResourceResponse: {
      /** @constant */
      status: 'deleted';
      name: string;
      namespace: string;
    };
    SkillListResponse: {
      skills: components['schemas']['SkillResponse'][];
    };
    SkillResponse: {
      name: string;
      namespace: string;
      content: string;
      description: string;
      /** @description Whether every agent gets it without naming it; always false here */
      isDefault: boolean;
      attachedAgents: number;
      /** @description Agents that name it in skills ("name" in its namespace, "namespace/name" elsewhere) */
      agentNames: string[];
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      createdAt: string;
    };
    TemplateListResponse: {
      templates: components['schemas']['TemplateResponse'][];
    };
    TemplateResponse: {
      name: string;
      scope: components['schemas']['TemplateScope'];
      /** @description The namespace of a "namespace" template */
      namespace?: string;
      /** @description True for the built-in "default", which applies until a cluster template of that name is stored */
      builtin?: boolean;
      description: string;
      /** @description The model of its agents that name none */
      model: string;
      /** @description Task limits of its agents; each left out takes the scheduler setting */
      limits: components['schemas']['AgentLimitsOutput'];
      podSpec?: components['schemas']['AgentPodSpec'];
      storage?: components['schemas']['StorageSpecOutput'];
      allowedDomains?: string[];
      thinking?: components['schemas']['Thinking'];
      maxConcurrentAgents?: number;
      ttl?: components['schemas']['TemplateTtlOutput'];
      managerScope?: components['schemas']['ManagerScope'];
      approvals?: components['schemas']['ApprovalPolicyOutput'];
      warmPoolSize?: number;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      createdAt?: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      updatedAt?: string;
    };
    DeleteTemplateResponse: {
      /** @constant */
      status: 'deleted';
      name: string;
      scope: components['schemas']['TemplateScope'];
      namespace?: string;
    };
    ScheduleListResponse: {
      schedules: components['schemas']['ScheduleResponse'][];
    };
    ScheduleResponse: {
      name: string;
      namespace: string;
      schedule: string;
      timezone: string;
      instructions: string;
      /** @description The agent that each run gives the task to */
      agentName: string;
      agent?: components['schemas']['CreateScheduleAgentSpecOutput'];
      autoDelete: boolean;
      keepAgents: boolean;
      suspended: boolean;
      /** @enum {string} */
      phase: 'Active' | 'Suspended';
      /**
       * Format: date-time
       * @description When it fires next; absent while suspended
       * @example 2026-01-01T00:00:00.000Z
       */
      nextRunTime?: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      lastRunTime?: string;
      lastRunStatus?: components['schemas']['ScheduleRunStatus'];
      /** @description Why the last run was skipped or failed, or what its task ended with */
      lastRunMessage?: string;
      lastRunTaskId?: string;
      lastRunCostUSD?: string;
      lastRunTokens?: number;
      /** @description Runs fired, skipped ones included */
      runCount: number;
      /** @description Runs whose task completed */
      successfulRuns: number;
      /** @description Runs that could not start a task, or whose task ended in error or was cancelled */
      failedRuns: number;
      /** @description Runs skipped because the agent was busy */
      skippedRuns: number;
      totalCostUSD: string;
      totalTokens: number;
      /** @description The last 20 runs, newest first */
      recentRuns: components['schemas']['ScheduleRun'][];
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      createdAt: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      updatedAt: string;
    };
    /** @enum {string} */
    ScheduleRunStatus:
      | 'Queued'
      | 'InProgress'
      | 'Complete'
      | 'Error'
      | 'Cancelled'
      | 'Skipped'
      | 'Failed'
      | 'Unknown';
    ScheduleRun: {
      /** @description The run’s id: its cron iteration, or a manual trigger */
      id: string;
      /** @enum {string} */
      trigger: 'cron' | 'manual';
      /**
       * Format: date-time
       * @description The time the cron expression gave this run (cron runs)
       * @example 2026-01-01T00:00:00.000Z
       */
      scheduledFor?: string;
      /**
       * Format: date-time
       * @description When the run fired
       * @example 2026-01-01T00:00:00.000Z
       */
      time: string;
      outcome: components['schemas']['ScheduleRunOutcome'];
      agentName: string;
      /** @description The task it started */
      taskId?: string;
      /** @description Why it was skipped or failed */
      message?: string;
    };
    /** @enum {string} */
    ScheduleRunOutcome: 'Started' | 'Skipped' | 'Failed';
    TriggerScheduleResponse: {
      name: string;
      namespace: string;
      agentName: string;
      /**
       * @description The run started a task
       * @constant
       */
      status: 'Started';
      taskId: string;
    };
    OfficeListResponse: {
      offices: components['schemas']['OfficeResponse'][];
    };
    OfficeResponse: {
      /** @description The office’s name: its manager’s */
      name: string;
      namespace: string;
      manager: string;
      /**
       * @description `Active` while a member has a task queued or running, else `Idle`
       * @enum {string}
       */
      phase: 'Active' | 'Idle';
      /** @description Members, the manager included */
      totalAgents: number;
      /** @description Members whose task is queued or running */
      activeAgents: number;
      /** @description Members whose last task completed */
      completedAgents: number;
      /** @description What the members’ tasks cost, in USD */
      totalCostUSD: string;
      totalTokens: number;
      /**
       * Format: date-time
       * @description When the manager was created
       * @example 2026-01-01T00:00:00.000Z
       */
      createdAt: string;
      /** @description The manager first, then the others breadth first, by name within a level */
      members: components['schemas']['OfficeMemberResponse'][];
      /** @description True when the office has more than 200 members: only that many are shown and counted */
      membersTruncated: boolean;
    };
    OfficeMemberResponse: {
      name: string;
      /** @enum {string} */
      role: 'manager' | 'worker';
      taskStatus?: components['schemas']['TaskStatus'];
      lastTaskCostUSD?: string;
      /** @description What all its tasks cost, in USD */
      totalCostUSD: string;
      totalTokens: number;
      /** @description The agent that created it; absent on the office’s manager */
      officeManager?: string;
    };
    DeleteOfficeResponse: {
      /** @constant */
      status: 'deleted';
      name: string;
      namespace: string;
      /** @description How many agents were deleted, as a number */
      deletedAgents: string;
    };
    OfficeEventListResponse: {
      /** @description The office the events are of */
      office: string;
      /** @description Oldest first, in office order: by event id (the time Redis appended it, then its sequence), then by agent name */
      events: components['schemas']['AgentEvent'][];
    };
    SquadListResponse: {
      squads: components['schemas']['SquadResponse'][];
    };
    SquadResponse: {
      name: string;
      namespace: string;
      /**
       * @description `Active` with members; `Orphaned` without any; `BreakingUp` once a break-up waits for its members’ tasks to end; `Dissolved` in the answer of the break-up that ended it
       * @enum {string}
       */
      phase: 'Active' | 'Orphaned' | 'BreakingUp' | 'Dissolved';
      members: components['schemas']['SquadMemberResponse'][];
      /** @description The member whose workspace the squad shares (komputer extension) */
      home?: string;
      breakUpRequested: boolean;
      orphanTTL?: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      orphanedSince?: string;
      /** @description Never set: each member keeps a runtime of its own (there is no shared pod) */
      podName?: string;
      message?: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      createdAt: string;
    };
    SquadMemberResponse: {
      name: string;
      /** @description Whether the member’s runtime is running */
      ready: boolean;
      taskStatus?: components['schemas']['TaskStatus'];
    };
    NamespaceListResponse: {
      namespaces: string[];
    };
    /** @description A JSON-RPC 2.0 answer (`result` or `error`) of the Model Context Protocol */
    McpAnswer: {
      /** @constant */
      jsonrpc: '2.0';
    } & {
      [key: string]: unknown;
    };
    NamespaceQuotaResponse: {
      /** @description Most agents the namespace holds; creating one more answers 403 `QUOTA_EXCEEDED` (giving an existing agent a task does not count) */
      maxAgents?: number;
      /** @description Most tasks running at once in the namespace; the others wait in the queue (`status: Queued`, with `queuePosition` and `queueReason`), by priority then age */
      maxRunningTasks?: number;
      /** @description Spend in USD per calendar month (UTC): a task is refused with 402 `BUDGET_EXCEEDED` once the month’s spend reaches it, and a running task stops (`error`) when it would spend past what is left */
      monthlyBudgetUsd?: number;
      namespace: string;
      /** @description Agents the namespace holds now */
      agents: number;
      /** @description Tasks running now under the quota */
      runningTasks: number;
      /**
       * @description The calendar month (UTC) of `spentUsd`
       * @example 2026-12
       */
      month: string;
      /** @description Spend of the namespace’s tasks that ended this month */
      spentUsd: number;
      /**
       * Format: date-time
       * @description When the quota was last set
       * @example 2026-01-01T00:00:00.000Z
       */
      updatedAt?: string;
    };
    UsageResponse: {
      costUsd: number;
      /** @description Input and output tokens */
      tokens: number;
      /** @description Tasks that ended, whatever their outcome */
      tasks: number;
      namespace: string;
      /** @description First day (UTC), included */
      from: string;
      /** @description Last day (UTC), included */
      to: string;
      /** @description Each agent that ended a task in the range, by name (deleted ones too) */
      agents: {
        costUsd: number;
        /** @description Input and output tokens */
        tokens: number;
        /** @description Tasks that ended, whatever their outcome */
        tasks: number;
        name: string;
      }[];
    };
    AuditPage: {
      namespace: string;
      records: components['schemas']['AuditRecord'][];
      /**
       * @description Present when more records match: pass it as `after` for the next page
       * @example 1700000000000-0
       */
      next?: string;
    };
    AuditRecord: {
      /**
       * @description The record’s id, a cursor for `after`
       * @example 1700000000000-0
       */
      id: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      at: string;
      /** @description The caller: `key:<key id>`, or `anonymous` */
      actor: string;
      operationId: string;
      method: string;
      /** @description The path called, without its query string */
      path: string;
      /** @description The status answered */
      status: number;
      requestId: string;
    };
    OpenApiDocument: {
      [key: string]: unknown;
    };
    HealthResponse: {
      /** @enum {string} */
      status: 'ok' | 'unavailable';
      checks?: {
        [key: string]: {
          ok: boolean;
          message?: string;
        };
      };
    };
    ApprovalListResponse: {
      approvals: components['schemas']['Approval'][];
    };
    Approval: {
      /** Format: uuid */
      id: string;
      agentName: string;
      namespace: string;
      taskId: string;
      /** @description The tool call’s id, as its `tool_call` event has it */
      toolUseId: string;
      tool: string;
      /** @description The tool call’s input */
      input: unknown;
      status: components['schemas']['ApprovalStatus'];
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      requestedAt: string;
      /**
       * Format: date-time
       * @description When it is denied as timed out
       * @example 2026-01-01T00:00:00.000Z
       */
      expiresAt: string;
      /**
       * Format: date-time
       * @example 2026-01-01T00:00:00.000Z
       */
      decidedAt?: string;
      decidedBy?: components['schemas']['ApprovalDecider'];
      /** @description The reason given with the decision */
      reason?: string;
    };
    /**
     * @description `pending` until decided; `approved` or `denied` by a person; `expired` (denied as timed out); `cancelled` with its task
     * @enum {string}
     */
    ApprovalStatus: 'pending' | 'approved' | 'denied' | 'expired' | 'cancelled';
    /** @description The workspace volume of the agent’s pod (kubernetes runtime only; the local runtime ignores it) */
    StorageSpecOutput: {
      /** @description The workspace volume’s size, e.g. "5Gi" */
      size?: string;
      storageClassName?: string;
    };
    /** @description Task limits (komputer extension); each defaults to the server setting */
    AgentLimitsOutput: {
      /** @description Model calls per task */
      maxTurns?: number;
      /** @description Spend per task, in USD */
      maxBudgetUsd?: number;
      /** @description Time per task, in milliseconds */
      timeoutMs?: number;
    };
    /** @description Tool calls that wait for a person’s approval. An agent’s policy adds to its template’s: a call needs approval when either names it, and the agent’s `timeoutSeconds` wins */
    ApprovalPolicyOutput: {
      /** @description Tools every call of which needs approval, by name or glob: built-in (`Write`, `Bash`), connector (`mcp__github__*`) or platform tools (`create_agent`) */
      tools?: string[];
      /** @description `Bash` commands that need approval, as globs over the whole command (white space around it left out): `rm *`, `git push*`, `*curl *` */
      bashCommands?: string[];
      /** @description How long a call waits for its decision before it is denied as timed out (default 600) */
      timeoutSeconds?: number;
    };
    /** @description How long the template’s agents live on once their last task has ended; each setting wins over the scheduler’s default. Checked on every reconciliation pass of the schedulers */
    TemplateTtlOutput: {
      /** @description Put an agent to sleep (its runtime stops, its workspace stays; its next task wakes it) once it has been idle this many minutes after its last task. Left out: the scheduler’s `KOMPUTER_SLEEP_AFTER_IDLE_MS` */
      idleSleepMinutes?: number;
      /** @description Delete an agent, as `DELETE` does (runtime, workspace and events), this many hours after its last task ended, unless a task came since. Left out: the scheduler’s `KOMPUTER_DELETE_AFTER_IDLE_MS` */
      deleteAfterHours?: number;
    };
    /** @description The agent to create when the schedule’s agent does not exist when a run fires; its other settings take their defaults */
    CreateScheduleAgentSpecOutput: {
      /** @example claude-sonnet-4-6 */
      model?: string;
      /** @description "manager" (default) or "worker" */
      role?: ('manager' | 'worker') | '';
      /**
       * @description Agent template name
       * @example default
       */
      templateRef?: string;
      /** @description Names of secrets to attach */
      secretRefs?: string[];
      /**
       * @description "" keeps the runtime, "Sleep" stops it but keeps the workspace, "AutoDelete" deletes the agent after its task
       * @enum {string}
       */
      lifecycle?: '' | 'Sleep' | 'AutoDelete';
    };
    CloseReason: {
      code: components['schemas']['ErrorCode'];
      message?: string;
      /**
       * @description Event id (Redis stream ID), a monotonic cursor
       * @example 1700000000000-0
       */
      lastId?: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  listApiKeys: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The keys, by id */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiKeyList'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createApiKey: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateApiKeyRequest'];
      };
    };
    responses: {
      /** @description The key, with its key string */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiKeySecret'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getApiKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Key id */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The key */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiKey'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  revokeApiKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Key id */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The key was revoked */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RevokeApiKeyResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  rotateApiKey: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Key id */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The key, with its new key string */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiKeySecret'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createAuthTicket: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The ticket */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AuthTicket'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listAgents: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description Only the agents whose labels hold this `key=value`; repeat it for several, which must all match */
        label?: string | string[];
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The agents in the namespace, by name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AgentListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createAgent: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description What a busy agent does with the instructions: `true` (the default) adds them to its task as a steer; `false` refuses them with 409 `AGENT_BUSY` */
        steer?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateAgentRequest'];
      };
    };
    responses: {
      /** @description The task was queued, or the instructions were steered into the busy task */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreateAgentResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getAgent: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Agent name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The agent */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AgentResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteAgent: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Agent name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The agent was deleted */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeleteAgentResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  patchAgent: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Agent name */
        name: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PatchAgentRequest'];
      };
    };
    responses: {
      /** @description The updated agent */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AgentResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  cancelAgentTask: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Agent name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The task is cancelled or cancelling */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CancelAgentResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  compactAgentTask: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Agent name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': components['schemas']['CompactAgentRequest'];
      };
    };
    responses: {
      /** @description The compaction is asked for */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CompactAgentResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getAgentEvents: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description Events to return (1-200, default 50); more is read as 200 */
        limit?: number;
        /** @description Return the events after this id, or strictly after this timestamp, oldest first */
        after?: components['schemas']['EventCursor'];
        /** @description Return the events just before this id, or strictly before this timestamp, oldest first */
        before?: components['schemas']['EventCursor'];
        /** @description Return the events centred on this id or timestamp: half of `limit` before it, the rest from it on */
        around?: components['schemas']['EventCursor'];
        /** @description Also send `text_delta` events (token streaming). Default false. */
        deltas?: string;
      };
      header?: never;
      path: {
        /** @description Agent name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Events, oldest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AgentEventListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The cursor is older than what the stream retains: the events after it are gone */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getAgentCost: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Agent name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The tasks, oldest first, and their total */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AgentCostResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  downloadAgentFile: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Agent name */
        name: string;
        /** @description The file’s path relative to the workspace, slashes included (`reports/summary.md`); each segment percent-encoded */
        path: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The file’s bytes; its `Content-Type` is guessed from its name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/octet-stream': string;
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not available in this deployment: the message says why */
      501: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listConnectors: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Connectors, by name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConnectorListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createConnector: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateConnectorRequest'];
      };
    };
    responses: {
      /** @description The connector */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConnectorResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getConnector: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Connector name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The connector */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConnectorResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteConnector: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description Delete even when agents use the connector */
        force?: string;
      };
      header?: never;
      path: {
        /** @description Connector name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The connector was deleted */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeleteConnectorResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listConnectorTools: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Connector name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The tools the server offers */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConnectorToolsResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The MCP server could not be reached, or did not answer in time */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listConnectorTemplates: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The catalogue */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ConnectorTemplateListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  authorizeOAuth: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['OAuthAuthorizeRequest'];
      };
    };
    responses: {
      /** @description The URL to open */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OAuthAuthorizeResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The MCP server could not be reached, or did not answer in time */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  completeOAuth: {
    parameters: {
      query: {
        state: string;
        code?: string;
        error?: string;
        error_description?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The connector is connected */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OAuthCallbackResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The MCP server could not be reached, or did not answer in time */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  refreshOAuth: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['OAuthRefreshRequest'];
      };
    };
    responses: {
      /** @description The token was refreshed */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OAuthRefreshResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The MCP server could not be reached, or did not answer in time */
      502: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listSecrets: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Secrets, by name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SecretListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createSecret: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateSecretRequest'];
      };
    };
    responses: {
      /** @description The secret (key names only) */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SecretResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteSecret: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Secret name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The secret was deleted */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SecretStatusResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  updateSecret: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Secret name */
        name: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateSecretRequest'];
      };
    };
    responses: {
      /** @description The secret was updated */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SecretStatusResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  watchAgentEvents: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description Replay every event after this id, then carry on live. Without it: live events only, from now. */
        after?: string;
        /** @description Join this consumer group: each event goes to exactly one live member of the group, across every relay. A new group starts with the events appended after it is created. */
        group?: string;
        /** @description Also send `text_delta` events (token streaming). Default false. */
        deltas?: string;
      };
      header?: never;
      path: {
        /** @description Agent name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Switching to WebSocket; each message is one AgentEvent as JSON */
      101: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The cursor is older than what the stream retains: the events after it are gone */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description This route speaks WebSocket: send the upgrade headers */
      426: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  streamAgentEvents: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description Replay every event after this id, then carry on live. Without it: live events only, from now. */
        after?: string;
        /** @description Also send `text_delta` events (token streaming). Default false. */
        deltas?: string;
      };
      header?: never;
      path: {
        /** @description Agent name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The event stream */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/event-stream': components['schemas']['AgentEvent'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The cursor is older than what the stream retains: the events after it are gone */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  watchEvents: {
    parameters: {
      query?: {
        namespace?: string;
        agents?: string;
        /** @description Also every agent whose name matches, including agents created later */
        match?: string;
        after?: string;
        /** @description Also send `text_delta` events (token streaming). Default false. */
        deltas?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Switching to WebSocket; each message is one AgentEvent as JSON */
      101: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The cursor is older than what the stream retains: the events after it are gone */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description This route speaks WebSocket: send the upgrade headers */
      426: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listMemories: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Memories, by name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createMemory: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateMemoryRequest'];
      };
    };
    responses: {
      /** @description The memory */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getMemory: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Memory name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The memory */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteMemory: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description Delete even when agents use the memory */
        force?: string;
      };
      header?: never;
      path: {
        /** @description Memory name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The memory was deleted */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeleteResourceResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  patchMemory: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Memory name */
        name: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PatchMemoryRequest'];
      };
    };
    responses: {
      /** @description The updated memory */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MemoryResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listSkills: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Skills, by name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SkillListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createSkill: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateSkillRequest'];
      };
    };
    responses: {
      /** @description The skill */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SkillResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getSkill: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Skill name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The skill */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SkillResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteSkill: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description Delete even when agents use the skill */
        force?: string;
      };
      header?: never;
      path: {
        /** @description Skill name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The skill was deleted */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeleteResourceResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  patchSkill: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Skill name */
        name: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PatchSkillRequest'];
      };
    };
    responses: {
      /** @description The updated skill */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SkillResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The connector-registry did not answer in time: a change may or may not have been made */
      504: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listTemplates: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Templates, by name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TemplateListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createTemplate: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateTemplateRequest'];
      };
    };
    responses: {
      /** @description The template */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TemplateResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getTemplate: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description The namespace’s template (default) or the cluster-wide one */
        scope?: components['schemas']['TemplateScope'];
      };
      header?: never;
      path: {
        /** @description Template name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The template */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TemplateResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteTemplate: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description The namespace’s template (default) or the cluster-wide one */
        scope?: components['schemas']['TemplateScope'];
      };
      header?: never;
      path: {
        /** @description Template name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The template was deleted */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeleteTemplateResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  patchTemplate: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description The namespace’s template (default) or the cluster-wide one */
        scope?: components['schemas']['TemplateScope'];
      };
      header?: never;
      path: {
        /** @description Template name */
        name: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PatchTemplateRequest'];
      };
    };
    responses: {
      /** @description The updated template */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TemplateResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listSchedules: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Schedules, by name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ScheduleListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createSchedule: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateScheduleRequest'];
      };
    };
    responses: {
      /** @description The schedule */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ScheduleResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getSchedule: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Schedule name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The schedule */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ScheduleResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteSchedule: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Schedule name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The schedule was deleted */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeleteResourceResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  patchSchedule: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Schedule name */
        name: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PatchScheduleRequest'];
      };
    };
    responses: {
      /** @description The updated schedule */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ScheduleResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  triggerSchedule: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Schedule name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The run started a task */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TriggerScheduleResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listOffices: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Offices, by name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OfficeListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getOffice: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Office name: its manager agent’s */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The office */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OfficeResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteOffice: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Office name: its manager agent’s */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The office was deleted */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeleteOfficeResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getOfficeEvents: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description Events to return (1-200, default 50); more is read as 200 */
        limit?: number;
        /** @description Return the events after this `<agent>:<id>` or id, or strictly after this timestamp, oldest first */
        after?: components['schemas']['OfficeEventCursor'];
        /** @description Return the events just before this `<agent>:<id>` or id, or strictly before this timestamp, oldest first */
        before?: components['schemas']['OfficeEventCursor'];
        /** @description Return the events centred on this `<agent>:<id>` or id or timestamp: half of `limit` before it, the rest from it on */
        around?: components['schemas']['OfficeEventCursor'];
        /** @description Also send `text_delta` events (token streaming). Default false. */
        deltas?: string;
      };
      header?: never;
      path: {
        /** @description Office name: its manager agent’s */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Events, oldest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OfficeEventListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The cursor is older than what the stream retains: the events after it are gone */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  watchOfficeEvents: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description Per-member cursors, `<agent>:<event id>` comma-separated: replay what each member did after its id. A member not listed is followed live, from now */
        after?: string;
        /** @description Also send `text_delta` events (token streaming). Default false. */
        deltas?: string;
      };
      header?: never;
      path: {
        /** @description Office name: its manager agent’s */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Switching to WebSocket; each message is one AgentEvent as JSON */
      101: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The cursor is older than what the stream retains: the events after it are gone */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description This route speaks WebSocket: send the upgrade headers */
      426: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  streamOfficeEvents: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description Per-member cursors, `<agent>:<event id>` comma-separated: replay what each member did after its id. A member not listed is followed live, from now */
        after?: string;
        /** @description Also send `text_delta` events (token streaming). Default false. */
        deltas?: string;
      };
      header?: never;
      path: {
        /** @description Office name: its manager agent’s */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The event stream */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'text/event-stream': components['schemas']['AgentEvent'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The cursor is older than what the stream retains: the events after it are gone */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listSquads: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Squads, by name */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SquadListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  createSquad: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateSquadRequest'];
      };
    };
    responses: {
      /** @description The squad */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SquadResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getSquad: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Squad name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The squad */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SquadResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteSquad: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Squad name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The squad was deleted */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DeleteResourceResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  patchSquad: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Squad name */
        name: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['PatchSquadRequest'];
      };
    };
    responses: {
      /** @description The updated squad */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SquadResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  breakUpSquad: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Squad name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The squad */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SquadResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  addSquadMember: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Squad name */
        name: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['AddSquadMemberRequest'];
      };
    };
    responses: {
      /** @description The updated squad */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SquadResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  removeSquadMember: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Squad name */
        name: string;
        /** @description Agent name to remove */
        agent: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The updated squad */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SquadResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listNamespaces: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Namespace names, sorted */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NamespaceListResponse'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  callPlatformTools: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['McpMessage'];
      };
    };
    responses: {
      /** @description The JSON-RPC answer (none for a notification: 202) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['McpAnswer'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getNamespaceQuota: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Namespace */
        namespace: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The quota and its use */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NamespaceQuotaResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  putNamespaceQuota: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Namespace */
        namespace: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['NamespaceQuota'];
      };
    };
    responses: {
      /** @description The quota and its use */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NamespaceQuotaResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getUsage: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description First day (UTC) of the range, a date or an RFC 3339 timestamp; default: the first day of this month */
        from?: string;
        /** @description Last day (UTC) of the range, included; default: today */
        to?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The totals */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UsageResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listAuditRecords: {
    parameters: {
      query?: {
        namespace?: string;
        /** @description Only the calls at or after this time */
        since?: string;
        /** @description Only the calls at or before this time */
        until?: string;
        /** @description The page after this record id: the `next` of the page before */
        after?: string;
        /** @description Records per page (1-1000, default 100) */
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of records */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AuditPage'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getOpenApiDocument: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OpenAPI 3.1 document */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OpenApiDocument'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getHealth: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Alive */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HealthResponse'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getReadiness: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Ready */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['HealthResponse'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listAgentApprovals: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Agent name */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Pending approvals */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  decideAgentApproval: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Agent name */
        name: string;
        /** @description Approval id */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['DecideApprovalRequest'];
      };
    };
    responses: {
      /** @description The decided approval */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Approval'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listOfficeApprovals: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Office name: its manager agent’s */
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Pending approvals */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApprovalListResponse'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  decideOfficeApproval: {
    parameters: {
      query?: {
        namespace?: string;
      };
      header?: never;
      path: {
        /** @description Office name: its manager agent’s */
        name: string;
        /** @description Approval id */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['DecideApprovalRequest'];
      };
    };
    responses: {
      /** @description The decided approval */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Approval'];
        };
      };
      /** @description Invalid request: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No API key, or one that is not valid (`UNAUTHENTICATED`) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Forbidden: the key’s level is below the operation’s, or (downloads) the path leads outside the agent’s workspace */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not found, or in a namespace the key does not reach */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Conflict: the agent is busy or has no task to cancel, or the resource is in use */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body, or the file asked for, too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Request body is not JSON */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Too many requests: the caller’s rate limit (wait for `Retry-After`), or the agent holds as many steers as it takes (retry once its task has taken some) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description A dependency (Redis, or for connectors, secrets, memories and skills the connector-registry) is unavailable, or the server is shutting down; retry later */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
}
