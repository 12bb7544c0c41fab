/**
 * Lua scripts: each is one atomic step, so that checks and writes cannot interleave with
 * another gateway or scheduler. They return plain arrays or numbers; the stores give them types.
 */

/**
 * Claim the agent for a new task, creating it if it does not exist.
 * KEYS: agent, agents index, namespaces.
 * ARGV: name, namespace, taskId, now, instructions, then the spec as field/value pairs
 * (`spec.<field>`, JSON value), which only a created agent takes.
 * Returns {"busy", currentTaskId} | {"queued", prevTaskStatus, prevTaskId, hash, prevInstructions}
 * | {"created", "", "", hash}, where hash is the agent's HGETALL after the claim.
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
  return {'queued', status, prevTask, redis.call('HGETALL', KEYS[1]), prevInstructions}
end
redis.call('HSET', KEYS[1],
  'name', ARGV[1], 'namespace', ARGV[2], 'instructions', ARGV[5],
  'status', 'Pending', 'taskStatus', 'Queued', 'taskId', ARGV[3],
  'createdAt', ARGV[4], 'updatedAt', ARGV[4], 'totalCostUSD', '0', 'totalTokens', '0')
if #ARGV > 5 then redis.call('HSET', KEYS[1], unpack(ARGV, 6)) end
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
 * End the agent's current task with a terminal status and its terminal event, in one step.
 * Does nothing unless `taskId` is still the agent's busy task (and, when given, in `requiredStatus`).
 * KEYS: agent, events.
 * ARGV: taskId, taskStatus, lastTaskMessage, now, maxLen, eventType, eventTimestamp, payloadJson, requiredStatus.
 * Returns the event id, or false.
 */
export const FINISH_TASK = `
if redis.call('HGET', KEYS[1], 'taskId') ~= ARGV[1] then return false end
local status = redis.call('HGET', KEYS[1], 'taskStatus')
if status ~= 'Queued' and status ~= 'InProgress' then return false end
if ARGV[9] ~= '' and status ~= ARGV[9] then return false end
redis.call('HSET', KEYS[1], 'taskStatus', ARGV[2], 'lastTaskMessage', ARGV[3], 'completionTime', ARGV[4], 'updatedAt', ARGV[4])
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', 'type', ARGV[6], 'taskId', ARGV[1], 'ts', ARGV[7], 'payload', ARGV[8])
`;

/**
 * Remove an agent: its record, its event stream and its index entries.
 * KEYS: agent, agents index, events, namespaces. ARGV: name, namespace. Returns 1, or 0 if absent.
 */
export const DELETE_AGENT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('SREM', KEYS[2], ARGV[1])
if redis.call('SCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[4], ARGV[2]) end
return 1
`;

/**
 * Ask for the agent's running task to be cancelled; its supervisor acts on the flag.
 * KEYS: agent. ARGV: taskId. Returns 1, or 0 when taskId is not the agent's busy task.
 */
export const REQUEST_CANCEL = `
if redis.call('HGET', KEYS[1], 'taskId') ~= ARGV[1] then return 0 end
local status = redis.call('HGET', KEYS[1], 'taskStatus')
if status ~= 'Queued' and status ~= 'InProgress' then return 0 end
redis.call('HSET', KEYS[1], 'cancelRequested', ARGV[1])
return 1
`;
