/**
 * Lua scripts: each is one atomic step, so that checks and writes cannot interleave with
 * another gateway or scheduler. They return plain arrays or numbers; the stores give them types.
 */

/**
 * Claim the agent for a new task, creating it if it does not exist. An existing agent's task is
 * handed straight to the scheduler that ran its last task, which holds its runtime, when that
 * scheduler listens on its hand-over channel: the message is the task's job as JSON. The caller
 * queues the task only when no scheduler took it.
 * KEYS: agent, agents index, namespaces.
 * ARGV: name, namespace, taskId, now, instructions, hand-over channel prefix, uid (a created
 * agent's; it tells this agent from a deleted one of the same name), then the spec as
 * field/value pairs (`spec.<field>`, JSON value), which only a created agent takes.
 * Returns {"busy", currentTaskId} | {"queued", prevTaskStatus, prevTaskId, hash, prevInstructions,
 * handedTo ('' = nobody)} | {"created", "", "", hash}, where hash is the agent's HGETALL after the
 * claim.
 */
export const CLAIM_TASK = `
local status = redis.call('HGET', KEYS[1], 'taskStatus')
if status then
  if status == 'Queued' or status == 'InProgress' then
    return {'busy', redis.call('HGET', KEYS[1], 'taskId') or ''}
  end
  local prevTask = redis.call('HGET', KEYS[1], 'taskId') or ''
  local prevInstructions = redis.call('HGET', KEYS[1], 'instructions') or ''
  redis.call('HSET', KEYS[1], 'taskStatus', 'Queued', 'taskId', ARGV[3], 'instructions', ARGV[5], 'updatedAt', ARGV[4])
  local handedTo = redis.call('HGET', KEYS[1], 'scheduler') or ''
  if handedTo ~= '' then
    local job = cjson.encode({taskId = ARGV[3], namespace = ARGV[2], agentName = ARGV[1], instructions = ARGV[5], enqueuedAt = ARGV[4], agentUid = redis.call('HGET', KEYS[1], 'uid') or nil})
    if redis.call('PUBLISH', ARGV[6] .. handedTo, job) == 0 then handedTo = '' end
  end
  return {'queued', status, prevTask, redis.call('HGETALL', KEYS[1]), prevInstructions, handedTo}
end
redis.call('HSET', KEYS[1],
  'name', ARGV[1], 'namespace', ARGV[2], 'instructions', ARGV[5],
  'status', 'Pending', 'taskStatus', 'Queued', 'taskId', ARGV[3], 'uid', ARGV[7],
  'createdAt', ARGV[4], 'updatedAt', ARGV[4], 'totalCostUSD', '0', 'totalTokens', '0')
if #ARGV > 7 then redis.call('HSET', KEYS[1], unpack(ARGV, 8)) end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
return {'created', '', '', redis.call('HGETALL', KEYS[1])}
`;

/**
 * Undo a claim whose task could not be queued. A created agent is removed again; an existing
 * one gets its previous task back. Only if the claim is still the current one and its task is
 * still Queued: a task that started (the job did reach the queue) or ended must not be undone.
 * KEYS: agent, agents index, namespaces.
 * ARGV: name, namespace, taskId, prevTaskStatus ('' = created), prevTaskId, prevInstructions.
 */
export const RELEASE_CLAIM = `
if redis.call('HGET', KEYS[1], 'taskId') ~= ARGV[3] then return 0 end
if redis.call('HGET', KEYS[1], 'taskStatus') ~= 'Queued' then return 0 end
if ARGV[4] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[1])
  if redis.call('SCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[3], ARGV[2]) end
  return 1
end
redis.call('HSET', KEYS[1], 'taskStatus', ARGV[4], 'taskId', ARGV[5], 'instructions', ARGV[6])
return 1
`;

/**
 * Change some of the agent's spec fields (and optionally its instructions), if it exists.
 * KEYS: agent. ARGV: now, setInstructions ('1'|'0'), instructions, then `spec.<field>`/JSON pairs.
 * Returns the agent's HGETALL after the change, or false when it does not exist.
 */
export const PATCH_AGENT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[1])
if ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'instructions', ARGV[3]) end
if #ARGV > 3 then redis.call('HSET', KEYS[1], unpack(ARGV, 4)) end
return redis.call('HGETALL', KEYS[1])
`;

/**
 * Start the agent's queued task `taskId`: it becomes `InProgress`, its event sequence starts
 * over, and `scheduler` names the scheduler that runs it (and that the agent's next task is
 * handed to). With `announce`, the task's runtime is ready, and the task's `task_started`
 * event is appended in the same step: the agent shows `Running`, and the event costs no second
 * round trip.
 * KEYS: agent, events.
 * ARGV: taskId, now, announce ('' = no; else the event's resuming_session, '1' or '0'),
 *   instructions, maxLen, scheduler.
 * Returns {"started", hash, eventId ('' when not announced)} | {"interrupted", hash} when the
 * task was already in progress (a worker that ran it stopped) | {"stale"} when `taskId` is not
 * the agent's queued task | {"gone"}.
 */
export const START_TASK = `
local current = redis.call('HGET', KEYS[1], 'taskId')
if not current then return {'gone'} end
if current ~= ARGV[1] then return {'stale'} end
local status = redis.call('HGET', KEYS[1], 'taskStatus')
if status == 'InProgress' then return {'interrupted', redis.call('HGETALL', KEYS[1])} end
if status ~= 'Queued' then return {'stale'} end
redis.call('HSET', KEYS[1], 'taskStatus', 'InProgress', 'eventSeq', '0', 'updatedAt', ARGV[2], 'scheduler', ARGV[6])
local id = ''
if ARGV[3] ~= '' then
  local model = cjson.decode(redis.call('HGET', KEYS[1], 'spec.model') or '""')
  local payload = cjson.encode({instructions = ARGV[4], model = model, resuming_session = ARGV[3] == '1'})
  id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'type', 'task_started', 'taskId', ARGV[1], 'ts', ARGV[2], 'payload', payload)
  redis.call('HSET', KEYS[1], 'status', 'Running')
end
return {'started', redis.call('HGETALL', KEYS[1]), id}
`;

/**
 * Append one event of the agent's busy task `taskId`, exactly once, and apply what it changes on
 * the agent, in one step: `task_started` means its runtime runs; a terminal event ends the task.
 * KEYS: agent, events.
 * ARGV: taskId, requiredStatus ('' = Queued or InProgress), seq ('' = no deduplication), maxLen,
 *   eventType, eventTimestamp, payloadJson, now,
 *   terminal taskStatus ('' = not terminal), lastTaskMessage, costUsd, tokens, sessionId, status
 *   (each '' = unchanged).
 * Returns {"appended", id} | {"duplicate"} when `seq` was stored already | {"stale"} when
 * `taskId` is not the agent's busy task (in `requiredStatus`).
 */
export const RECORD_EVENT = `
if redis.call('HGET', KEYS[1], 'taskId') ~= ARGV[1] then return {'stale'} end
local status = redis.call('HGET', KEYS[1], 'taskStatus')
if status ~= 'Queued' and status ~= 'InProgress' then return {'stale'} end
if ARGV[2] ~= '' and status ~= ARGV[2] then return {'stale'} end
if ARGV[3] ~= '' then
  if tonumber(ARGV[3]) <= tonumber(redis.call('HGET', KEYS[1], 'eventSeq') or '0') then return {'duplicate'} end
  redis.call('HSET', KEYS[1], 'eventSeq', ARGV[3])
end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'type', ARGV[5], 'taskId', ARGV[1], 'ts', ARGV[6], 'payload', ARGV[7])
if ARGV[5] == 'task_started' then redis.call('HSET', KEYS[1], 'status', 'Running') end
if ARGV[9] ~= '' then
  redis.call('HSET', KEYS[1], 'taskStatus', ARGV[9], 'lastTaskMessage', ARGV[10], 'completionTime', ARGV[8], 'updatedAt', ARGV[8])
  redis.call('HDEL', KEYS[1], 'cancelRequested')
  if ARGV[11] ~= '' then
    redis.call('HSET', KEYS[1], 'lastTaskCostUSD', ARGV[11])
    redis.call('HINCRBYFLOAT', KEYS[1], 'totalCostUSD', ARGV[11])
  end
  if ARGV[12] ~= '' then redis.call('HINCRBY', KEYS[1], 'totalTokens', ARGV[12]) end
  if ARGV[13] ~= '' then redis.call('HSET', KEYS[1], 'sessionId', ARGV[13]) end
  if ARGV[14] ~= '' then redis.call('HSET', KEYS[1], 'status', ARGV[14]) end
end
return {'appended', id}
`;

/**
 * Remove an agent: its record, its event stream and its index entries, and tell the schedulers
 * with a `delete` control message that names the agent's uid.
 * KEYS: agent, agents index, events, namespaces, control channel.
 * ARGV: name, namespace. Returns 1, or 0 if absent.
 */
export const DELETE_AGENT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local message = cjson.encode({type = 'delete', namespace = ARGV[2], name = ARGV[1], uid = redis.call('HGET', KEYS[1], 'uid') or nil})
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('SREM', KEYS[2], ARGV[1])
if redis.call('SCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[4], ARGV[2]) end
redis.call('PUBLISH', KEYS[5], message)
return 1
`;

/**
 * Ask for the agent's running task to be cancelled: set the flag, and tell the schedulers on
 * the cancel channel. KEYS: agent, cancel channel. ARGV: taskId, message for the channel.
 * Returns 1, or 0 when taskId is not the agent's busy task.
 */
export const REQUEST_CANCEL = `
if redis.call('HGET', KEYS[1], 'taskId') ~= ARGV[1] then return 0 end
local status = redis.call('HGET', KEYS[1], 'taskStatus')
if status ~= 'Queued' and status ~= 'InProgress' then return 0 end
redis.call('HSET', KEYS[1], 'cancelRequested', ARGV[1])
redis.call('PUBLISH', KEYS[2], ARGV[2])
return 1
`;
