/**
 * Lua scripts: each is one atomic step, so that checks and writes cannot interleave with
 * another gateway or scheduler. They return plain arrays or numbers; the stores give them types.
 */

/** How many marks the bound of an event stream keeps: it holds to within 1% of its length. */
const STREAM_MARKS = 100;

/** A stream takes at most this many times its bound in entries, `text_delta`s included. */
const DELTA_CAP_FACTOR = 10;

/**
 * A Lua function for the scripts that append events, `append(type, taskId, ts, payload, maxLen)`
 * on KEYS[1] (the agent) and KEYS[2] (its stream). The stream's bound counts only the events
 * that are not `text_delta`s, so that a long streamed answer never pushes real events out of
 * the history: every `maxLen / 100`-th such event is marked (the agent's `eventMarks`, newest
 * last), and once 100 marks are past, the stream is trimmed up to the oldest one. The deltas
 * between the kept events stay; a flood of them alone is cut at ten times the bound.
 */
const APPEND_EVENT = `
local function append(kind, taskId, ts, payload, maxLen)
  maxLen = tonumber(maxLen)
  if kind == 'text_delta' then
    return redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxLen * ${DELTA_CAP_FACTOR}, '*', 'type', kind, 'taskId', taskId, 'ts', ts, 'payload', payload)
  end
  local id = redis.call('XADD', KEYS[2], '*', 'type', kind, 'taskId', taskId, 'ts', ts, 'payload', payload)
  local every = math.max(1, math.floor(maxLen / ${STREAM_MARKS}))
  if redis.call('HINCRBY', KEYS[1], 'eventCount', 1) % every == 0 then
    local marks = {}
    for mark in string.gmatch(redis.call('HGET', KEYS[1], 'eventMarks') or '', '%S+') do
      marks[#marks + 1] = mark
    end
    marks[#marks + 1] = id
    if #marks > math.ceil(maxLen / every) then
      redis.call('XTRIM', KEYS[2], 'MINID', '~', table.remove(marks, 1))
    end
    redis.call('HSET', KEYS[1], 'eventMarks', table.concat(marks, ' '))
  end
  return id
end
`;

/*
 * The reverse indexes: each agent is a member of the `attachedAgents` set of every connector,
 * secret, memory and skill that its spec names, and its refs hash (`agentRefs`) maps each of
 * those sets to its kind. The scripts that change an agent's references change its entries in
 * the same step. The set keys come in ARGV, built by the caller from the spec it writes, and the
 * old ones from the refs hash: they are not in KEYS because their number depends on the agent,
 * and the old ones are known only inside the script. No script decodes the agent's spec.
 */

/**
 * `replaceRefs(refs, member, at)`: for each kind listed in ARGV from `at` (the number of kinds,
 * then for each the kind, the number of its sets and the set keys), takes the agent `member` out
 * of its sets of that kind and puts it in the given ones. Returns the position in ARGV after them.
 */
const REPLACE_REFS = `
local function replaceRefs(refs, member, at)
  if ARGV[at] == '0' then return at + 1 end
  local kinds, added = {}, {}
  local i = at + 1
  for _ = 1, tonumber(ARGV[at]) do
    local kind, count = ARGV[i], tonumber(ARGV[i + 1])
    kinds[kind] = true
    for j = i + 2, i + 1 + count do
      added[#added + 1] = ARGV[j]
      added[#added + 1] = kind
    end
    i = i + 2 + count
  end
  local old = redis.call('HGETALL', refs)
  for j = 1, #old, 2 do
    if kinds[old[j + 1]] then
      redis.call('SREM', old[j], member)
      redis.call('HDEL', refs, old[j])
    end
  end
  for j = 1, #added, 2 do
    redis.call('SADD', added[j], member)
    redis.call('HSET', refs, added[j], added[j + 1])
  end
  return i
end
`;

/**
 * `missingRef(at)`: the first of the keys listed in ARGV from `at` (their number, then the
 * keys) that does not exist, or false; and the position in ARGV after them. The resources an
 * agent names must exist when it is written, in the same step, so that a resource deleted at the
 * same moment is either seen in use by its delete or seen missing here, never both missed.
 */
const MISSING_REF = `
local function missingRef(at)
  local count = tonumber(ARGV[at])
  for i = at + 1, at + count do
    if redis.call('EXISTS', ARGV[i]) == 0 then return ARGV[i], at + 1 + count end
  end
  return false, at + 1 + count
end
`;

/** The start of the error that a script returns for a reference to a resource that is gone. */
export const MISSING_REF_ERROR = 'MISSING_REF';

/** `dropRefs(refs, member)`: takes the agent `member` out of every set it is in. */
const DROP_REFS = `
local function dropRefs(refs, member)
  for _, set in ipairs(redis.call('HKEYS', refs)) do redis.call('SREM', set, member) end
  redis.call('DEL', refs)
end
`;

/**
 * `leaveOffice(agentKey, name, heads)`: takes the agent out of its manager's set of reports (its
 * `officeKey`), and the manager out of the office heads `heads` when that set is left empty.
 */
const LEAVE_OFFICE = `
local function leaveOffice(agentKey, name, heads)
  local okey = redis.call('HGET', agentKey, 'officeKey')
  if not okey then return end
  redis.call('SREM', okey, name)
  if redis.call('SCARD', okey) == 0 then
    local manager = redis.call('HGET', agentKey, 'spec.officeManager')
    if manager then redis.call('SREM', heads, cjson.decode(manager)) end
  end
end
`;

/**
 * `leaveSquad(agentKey, name, now)`: takes the agent out of its squad's members, if it is in
 * one. The next member by name becomes the squad's home when the agent was it, and a squad left
 * without members is orphaned from `now` (its `orphanTTL` counts from then).
 */
const LEAVE_SQUAD = `
local function leaveSquad(agentKey, name, now)
  local skey = redis.call('HGET', agentKey, 'squadKey')
  if not skey then return end
  redis.call('HDEL', agentKey, 'squadKey', 'squad', 'squadHome')
  redis.call('SREM', skey .. ':members', name)
  local left = redis.call('SMEMBERS', skey .. ':members')
  table.sort(left)
  if #left == 0 then
    redis.call('HDEL', skey, 'home')
    if redis.call('EXISTS', skey) == 1 then redis.call('HSET', skey, 'orphanedSince', now) end
  elseif redis.call('HGET', skey, 'home') == name then
    redis.call('HSET', skey, 'home', left[1])
  end
end
`;

/** Most waiting tasks that one step admits; the rest are admitted by the steps after it. */
const ADMIT_BATCH = 64;

/*
 * The `maxConcurrentAgents` cap of a template: its key's `:slots` hash maps each agent key that
 * holds a slot to the task that holds it, and its `:waiting` sorted set holds the tasks that wait
 * for one, scored by minus the agent's priority; equal scores sort by member,
 * `<agent createdAt>|<agent key>|<taskId>`, so that the older agent goes first (as komputer.ai
 * breaks ties). While its task waits or holds a slot, an agent's `capKey` names the template key,
 * and while it waits, `capMember` its member and `queueReason` why. A slot is held from the
 * task's admission to its end, whatever ends it.
 * A namespace's quota (`maxRunningTasks`) is a second cap of the same kind, on its quota's key,
 * which a task passes after its template's: the agent's `quotaKey` and `quotaMember` play the
 * parts of `capKey` and `capMember` there.
 */

/** The agent's fields of each cap a task passes, in order: the template's (or squad's), the quota's. */
const CAP_FIELDS = [
  ['capKey', 'capMember'],
  ['quotaKey', 'quotaMember'],
] as const;

/**
 * `admit(tkey, memberField)`: gives the free slots of the cap `tkey` to its waiting tasks, in
 * order, up to ${ADMIT_BATCH}; a task that is no longer its agent's queued one is dropped from
 * the queue. Without a cap (the template is gone, or its cap removed) every waiting task is
 * admitted. `memberField` is the agent's field of its place in that queue. Returns the admitted
 * tasks as {agentKey, taskId, ...}.
 */
const ADMIT = `
local function admit(tkey, memberField)
  local admitted = {}
  local cap = tonumber(redis.call('HGET', tkey, 'spec.maxConcurrentAgents') or '')
  local slots, waiting = tkey .. ':slots', tkey .. ':waiting'
  while #admitted < ${ADMIT_BATCH} * 2 do
    if cap and redis.call('HLEN', slots) >= cap then break end
    local head = redis.call('ZRANGE', waiting, 0, 0)[1]
    if not head then break end
    redis.call('ZREM', waiting, head)
    local _, _, agentKey, taskId = string.find(head, '^[^|]*|(.*)|([^|]*)$')
    if agentKey and redis.call('HGET', agentKey, 'taskId') == taskId
      and redis.call('HGET', agentKey, 'taskStatus') == 'Queued' then
      redis.call('HSET', slots, agentKey, taskId)
      redis.call('HDEL', agentKey, memberField, 'queueReason')
      admitted[#admitted + 1] = agentKey
      admitted[#admitted + 1] = taskId
    end
  end
  return admitted
end
`;

/**
 * `release(agentKey, taskId)`: the task `taskId` of the agent leaves the queue of each cap it
 * passes or gives back its slot there, and the freed slots go to the next waiting tasks. Returns
 * what {@link ADMIT} admitted.
 */
const RELEASE = `${ADMIT}
local function releaseCap(agentKey, taskId, keyField, memberField)
  local tkey = redis.call('HGET', agentKey, keyField)
  if not tkey then return {} end
  local member = redis.call('HGET', agentKey, memberField)
  if member then redis.call('ZREM', tkey .. ':waiting', member) end
  if redis.call('HGET', tkey .. ':slots', agentKey) == taskId then
    redis.call('HDEL', tkey .. ':slots', agentKey)
  end
  redis.call('HDEL', agentKey, keyField, memberField, 'queueReason')
  return admit(tkey, memberField)
end
local function release(agentKey, taskId)
  local admitted = {}
${CAP_FIELDS.map(
  ([key, member]) =>
    `  for _, a in ipairs(releaseCap(agentKey, taskId, '${key}', '${member}')) do admitted[#admitted + 1] = a end`,
).join('\n')}
  return admitted
end
`;

/**
 * `templateOf(agentKey, nsPrefix, clusterPrefix)`: the key of the template that the agent's
 * `templateRef` names, its namespace's before the cluster's, or '' when neither is stored.
 */
const TEMPLATE_OF = `
local function templateOf(agentKey, nsPrefix, clusterPrefix)
  local ref = redis.call('HGET', agentKey, 'spec.templateRef')
  ref = ref and cjson.decode(ref) or 'default'
  if redis.call('EXISTS', nsPrefix .. ref) == 1 then return nsPrefix .. ref end
  if redis.call('EXISTS', clusterPrefix .. ref) == 1 then return clusterPrefix .. ref end
  return ''
end
`;

/**
 * `handOver(agentKey, channelPrefix, job)`: offers the agent's queued task to the scheduler that
 * ran its last task, which holds its runtime, on that scheduler's hand-over channel: the message
 * is the agent's uid, a newline and `job` (the task's job as JSON; see `decodeHandover`). When a
 * scheduler listens, the agent's `handedTo` names it until the task starts. Returns its id, or ''
 * when nobody took the task: the caller queues it then.
 */
const HAND_OVER = `
local function handOver(agentKey, channelPrefix, job)
  redis.call('HDEL', agentKey, 'handedTo')
  local to = redis.call('HGET', agentKey, 'scheduler') or ''
  if to == '' then return '' end
  local uid = redis.call('HGET', agentKey, 'uid') or ''
  if redis.call('PUBLISH', channelPrefix .. to, uid .. '\\n' .. job) == 0 then return '' end
  redis.call('HSET', agentKey, 'handedTo', to)
  return to
end
`;

/**
 * Claim the agent for a new task, creating it if it does not exist. An existing agent's task is
 * handed straight to the scheduler that ran its last task, which holds its runtime, when that
 * scheduler listens on its hand-over channel; the agent's `handedTo` then names it until the task
 * starts. The message is the agent's uid, a newline and the task's job as JSON (built by the
 * caller; see `decodeHandover`). The caller queues the task only when no scheduler took it.
 * A created agent joins the reverse indexes of every reference of its spec, its template
 * included, which must then exist (in its namespace or cluster-wide), unless it is built in.
 * A busy agent (its task Queued or InProgress) is steered instead, in the same step: the
 * instructions join the end of its list of steers, which its task takes in that order, and the
 * agent's `steerSeq` counts them (the steer's index); the list holds the steers not taken yet,
 * so that its head is steer `steerSeq - LLEN + 1`. A full list refuses the steer; so does a
 * caller that asked not to steer.
 * A created agent with an `officeManager` joins that manager's set of reports, and the manager
 * the office heads, in the same step (its `officeKey` names the set).
 * KEYS: agent, agents index, namespaces, the agent's refs hash, the created agent's template in
 * its namespace and cluster-wide, the agent's steers, the reports of its `officeManager` (any
 * key when it has none), the namespace's office heads, the namespace's quota (a created agent
 * must fit its `maxAgents`).
 * ARGV: name, namespace, taskId, now, instructions, hand-over channel prefix, uid (a created
 * agent's; it tells this agent from a deleted one of the same name), the job as JSON without
 * `agentUid`, the agent's index member, whether its template must be stored ('1'|'0'), whether
 * to steer a busy agent ('1'|'0'), the most steers its list holds, the keys of the resources it
 * names that must exist (as `missingRef` takes them), its references (as `replaceRefs` takes
 * them), then the spec as field/value pairs (`spec.<field>`, JSON value); only a created agent
 * takes these.
 * Returns {"busy", currentTaskId} | {"steersfull", currentTaskId} | {"steered", currentTaskId,
 * steerIndex, hash} | {"queued", prevTaskStatus, prevTaskId, hash, prevInstructions, handedTo
 * ('' = nobody)} | {"created", "", "", hash}, where hash is the agent's HGETALL after the
 * claim | {"notemplate"} when a created agent's template is not stored | {"quota", maxAgents}
 * when the namespace holds as many agents as its quota lets it.
 */
export const CLAIM_TASK = `${REPLACE_REFS}${MISSING_REF}${HAND_OVER}
local status = redis.call('HGET', KEYS[1], 'taskStatus')
if status then
  if status == 'Queued' or status == 'InProgress' then
    local current = redis.call('HGET', KEYS[1], 'taskId') or ''
    if ARGV[11] ~= '1' then return {'busy', current} end
    if redis.call('LLEN', KEYS[7]) >= tonumber(ARGV[12]) then return {'steersfull', current} end
    redis.call('RPUSH', KEYS[7], ARGV[5])
    local index = redis.call('HINCRBY', KEYS[1], 'steerSeq', 1)
    return {'steered', current, index, redis.call('HGETALL', KEYS[1])}
  end
  local prevTask = redis.call('HGET', KEYS[1], 'taskId') or ''
  local prevInstructions = redis.call('HGET', KEYS[1], 'instructions') or ''
  redis.call('HSET', KEYS[1], 'taskStatus', 'Queued', 'taskId', ARGV[3], 'instructions', ARGV[5], 'updatedAt', ARGV[4])
  local handedTo = handOver(KEYS[1], ARGV[6], ARGV[8])
  return {'queued', status, prevTask, redis.call('HGETALL', KEYS[1]), prevInstructions, handedTo}
end
if ARGV[10] == '1' and redis.call('EXISTS', KEYS[5]) == 0 and redis.call('EXISTS', KEYS[6]) == 0 then
  return {'notemplate'}
end
local maxAgents = tonumber(redis.call('HGET', KEYS[10], 'maxAgents') or '')
if maxAgents and redis.call('SCARD', KEYS[2]) >= maxAgents then return {'quota', maxAgents} end
local missing, refsAt = missingRef(13)
if missing then return redis.error_reply('${MISSING_REF_ERROR} ' .. missing) end
redis.call('HSET', KEYS[1],
  'name', ARGV[1], 'namespace', ARGV[2], 'instructions', ARGV[5],
  'status', 'Pending', 'taskStatus', 'Queued', 'taskId', ARGV[3], 'uid', ARGV[7],
  'createdAt', ARGV[4], 'updatedAt', ARGV[4], 'totalCostUSD', '0', 'totalTokens', '0')
local spec = replaceRefs(KEYS[4], ARGV[9], refsAt)
if #ARGV >= spec then redis.call('HSET', KEYS[1], unpack(ARGV, spec)) end
local manager = redis.call('HGET', KEYS[1], 'spec.officeManager')
if manager then
  redis.call('SADD', KEYS[8], ARGV[1])
  redis.call('SADD', KEYS[9], cjson.decode(manager))
  redis.call('HSET', KEYS[1], 'officeKey', KEYS[8])
end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
return {'created', '', '', redis.call('HGETALL', KEYS[1])}
`;

/**
 * Undo a claim whose task could not be queued. A created agent is removed again; an existing
 * one gets its previous task back. Only if the claim is still the current one and its task is
 * still Queued: a task that started (the job did reach the queue) or ended must not be undone.
 * Nor one that steers joined, whose senders were told so: it stays, and the reconciler ends it
 * (its steers then become the agent's next task).
 * KEYS: agent, agents index, namespaces, the agent's refs hash, the agent's steers, the
 * namespace's office heads.
 * ARGV: name, namespace, taskId, prevTaskStatus ('' = created), prevTaskId, prevInstructions,
 * the agent's index member.
 */
export const RELEASE_CLAIM = `${DROP_REFS}${LEAVE_OFFICE}
if redis.call('HGET', KEYS[1], 'taskId') ~= ARGV[3] then return 0 end
if redis.call('HGET', KEYS[1], 'taskStatus') ~= 'Queued' then return 0 end
if redis.call('LLEN', KEYS[5]) > 0 then return 0 end
if ARGV[4] == '' then
  leaveOffice(KEYS[1], ARGV[1], KEYS[6])
  redis.call('DEL', KEYS[1])
  dropRefs(KEYS[4], ARGV[7])
  redis.call('SREM', KEYS[2], ARGV[1])
  if redis.call('SCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[3], ARGV[2]) end
  return 1
end
redis.call('HSET', KEYS[1], 'taskStatus', ARGV[4], 'taskId', ARGV[5], 'instructions', ARGV[6])
redis.call('HDEL', KEYS[1], 'handedTo')
return 1
`;

/**
 * Change some of the agent's spec fields (and optionally its instructions), if it exists, and
 * its entries in the reverse indexes of the kinds of reference that change.
 * A new template must exist (in the agent's namespace or cluster-wide) unless it is built in.
 * KEYS: agent, the agent's refs hash, the new template in the namespace and cluster-wide (any
 * keys when the template does not change). ARGV: now, setInstructions ('1'|'0'), instructions,
 * the agent's index member, whether the template must be stored ('1'|'0'), the keys of the
 * resources named that must exist (as `missingRef` takes them), the references that change (as
 * `replaceRefs` takes them), then `spec.<field>`/JSON pairs.
 * Returns the agent's HGETALL after the change, false when it does not exist, or "notemplate".
 */
export const PATCH_AGENT = `${REPLACE_REFS}${MISSING_REF}
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if ARGV[5] == '1' and redis.call('EXISTS', KEYS[3]) == 0 and redis.call('EXISTS', KEYS[4]) == 0 then
  return 'notemplate'
end
local missing, refsAt = missingRef(6)
if missing then return redis.error_reply('${MISSING_REF_ERROR} ' .. missing) end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[1])
if ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'instructions', ARGV[3]) end
local spec = replaceRefs(KEYS[2], ARGV[4], refsAt)
if #ARGV >= spec then redis.call('HSET', KEYS[1], unpack(ARGV, spec)) end
return redis.call('HGETALL', KEYS[1])
`;

/**
 * Put an agent stored before the reverse indexes existed into them: every kind of reference, as
 * its spec names them when the caller read it. Only while those spec fields still hold what was
 * read, so that a change made since is never overwritten.
 * KEYS: agent, the agent's refs hash. ARGV: the agent's index member, the number of spec fields
 * read, those fields and their values as read ('' = absent), then the references (as
 * `replaceRefs` takes them).
 * Returns 1, 0 when the agent is gone, or -1 when a field has changed since it was read.
 */
export const INDEX_REFS = `${REPLACE_REFS}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local fields = tonumber(ARGV[2])
for i = 3, 2 + 2 * fields, 2 do
  if (redis.call('HGET', KEYS[1], ARGV[i]) or '') ~= ARGV[i + 1] then return -1 end
end
replaceRefs(KEYS[2], ARGV[1], 3 + 2 * fields)
return 1
`;

/**
 * Start the agent's queued task `taskId`: it becomes `InProgress`, its event sequences start
 * over, `scheduler` names the scheduler that runs it (and that the agent's next task is handed
 * to), and the task joins that scheduler's task set, so that the task is found if the
 * scheduler dies. With an announcement, the task's runtime is ready, and the task's
 * `task_started` event (the scheduler's event number 1) is appended in the same step: the agent
 * shows `Running`, and the event costs no second round trip. Its payload is the caller's JSON
 * with the model (JSON: the agent's own, else its template's, else the default) put between the
 * two halves.
 * When the agent's template has a `maxConcurrentAgents` cap, the task starts only with a slot of
 * it: it joins the template's queue and takes a slot if one is free and no task is ahead of it;
 * otherwise it stays Queued, waiting, with its `queueReason`. A squad member's task waits
 * under its squad instead (a cap of one: the squad's members run one task at a time, since they
 * share a workspace), and the agent's `squadHome` names the member whose workspace it runs in.
 * KEYS: agent, events, the scheduler's task set, the namespace's quota (its `maxRunningTasks` cap).
 * ARGV: taskId, now, scheduler, maxLen, task-set member, payload head ('' = no announcement),
 *   payload tail, start token (one per attempt at running the task), the key prefix of the
 *   namespace's templates and of the cluster's, the default model as JSON.
 * Returns {"started", hash, eventId ('' when not announced), template HGETALL, admitted}, also
 * when the start with this token happened already (a repeated write, after a reply was lost) |
 * {"waiting", hash, admitted} | {"interrupted", hash} when another start began the task |
 * {"stale"} when `taskId` is not the agent's queued task | {"gone"}. `admitted` lists the other
 * tasks that took a slot in this step, as {agentKey, taskId, ...}: their jobs must be woken.
 */
export const START_TASK = `${APPEND_EVENT}${ADMIT}${TEMPLATE_OF}
local current = redis.call('HGET', KEYS[1], 'taskId')
if not current then return {'gone'} end
if current ~= ARGV[1] then return {'stale'} end
local tkey = templateOf(KEYS[1], ARGV[9], ARGV[10])
local template = tkey ~= '' and redis.call('HGETALL', tkey) or {}
local status = redis.call('HGET', KEYS[1], 'taskStatus')
if status == 'InProgress' then
  if redis.call('HGET', KEYS[1], 'startToken') == ARGV[8] then
    return {'started', redis.call('HGETALL', KEYS[1]), '', template, {}}
  end
  return {'interrupted', redis.call('HGETALL', KEYS[1])}
end
if status ~= 'Queued' then return {'stale'} end
-- The cap the task waits under, or else the agent's squad (one task at a time), or else the
-- cap of the agent's template now; then its namespace's quota.
local skey = redis.call('HGET', KEYS[1], 'squadKey')
local admitted = {}
local function slotOf(ckey, keyField, memberField)
  if ckey ~= '' and redis.call('HGET', ckey .. ':slots', KEYS[1]) ~= ARGV[1] then
    local cap = redis.call('HGET', ckey, 'spec.maxConcurrentAgents')
    if cap or redis.call('HGET', KEYS[1], memberField) then
      local member = (redis.call('HGET', KEYS[1], 'createdAt') or '') .. '|' .. KEYS[1] .. '|' .. ARGV[1]
      local priority = tonumber(redis.call('HGET', KEYS[1], 'spec.priority') or '0') or 0
      redis.call('ZADD', ckey .. ':waiting', -priority, member)
      redis.call('HSET', KEYS[1], keyField, ckey, memberField, member)
      for _, a in ipairs(admit(ckey, memberField)) do admitted[#admitted + 1] = a end
      if redis.call('HGET', ckey .. ':slots', KEYS[1]) ~= ARGV[1] then
        local name = redis.call('HGET', ckey, 'name') or ''
        local reason = redis.call('HGET', ckey, 'capReason') or ('waiting for a slot: template "' .. name .. '" runs at most ' .. (cap or '?') .. ' agents at once (maxConcurrentAgents)')
        redis.call('HSET', KEYS[1], 'queueReason', reason)
        return false
      end
    end
  end
  if ckey ~= '' and redis.call('HGET', ckey .. ':slots', KEYS[1]) == ARGV[1] then
    redis.call('HSET', KEYS[1], keyField, ckey)
  end
  return true
end
if not slotOf(redis.call('HGET', KEYS[1], 'capKey') or skey or tkey, '${CAP_FIELDS[0][0]}', '${CAP_FIELDS[0][1]}')
  or not slotOf(KEYS[4], '${CAP_FIELDS[1][0]}', '${CAP_FIELDS[1][1]}') then
  return {'waiting', redis.call('HGETALL', KEYS[1]), admitted}
end
redis.call('HSET', KEYS[1], 'taskStatus', 'InProgress', 'eventSeq', '0', 'supervisorSeq', '0', 'updatedAt', ARGV[2], 'scheduler', ARGV[3], 'startToken', ARGV[8])
redis.call('HDEL', KEYS[1], 'handedTo', 'squadHome')
-- The workspace the task runs in: its squad's home's, read in the step that starts it.
local home = skey and redis.call('HGET', skey, 'home')
if home then redis.call('HSET', KEYS[1], 'squadHome', home) end
redis.call('SADD', KEYS[3], ARGV[5])
local id = ''
if ARGV[6] ~= '' then
  local model = redis.call('HGET', KEYS[1], 'spec.model')
  if not model and tkey ~= '' then model = redis.call('HGET', tkey, 'spec.model') end
  local payload = ARGV[6] .. (model or ARGV[11]) .. ARGV[7]
  id = append('task_started', ARGV[1], ARGV[2], payload, ARGV[4])
  redis.call('HSET', KEYS[1], 'status', 'Running', 'supervisorSeq', '1')
end
return {'started', redis.call('HGETALL', KEYS[1]), id, template, admitted}
`;

/**
 * Hand the agent's task `taskId`, in progress under a scheduler that stopped, to the scheduler
 * that adopts it, because its runtime outlived the first one (a pod) and the new one attached to
 * it: `scheduler` names the new one, and the task joins its task set. Only while the task is
 * still in progress under `from`, so that of two schedulers that try, one adopts it; the same
 * adoption repeated (its reply was lost) adopts it again.
 * KEYS: agent, the adopting scheduler's task set.
 * ARGV: taskId, from (the scheduler that stopped), scheduler, task-set member, now.
 * Returns {"adopted", hash} | {"stale"}.
 */
export const ADOPT_TASK = `
if redis.call('HGET', KEYS[1], 'taskId') ~= ARGV[1] then return {'stale'} end
if redis.call('HGET', KEYS[1], 'taskStatus') ~= 'InProgress' then return {'stale'} end
local owner = redis.call('HGET', KEYS[1], 'scheduler')
if owner ~= ARGV[3] then
  if owner ~= ARGV[2] then return {'stale'} end
  redis.call('HSET', KEYS[1], 'scheduler', ARGV[3], 'updatedAt', ARGV[5])
end
redis.call('SADD', KEYS[2], ARGV[4])
return {'adopted', redis.call('HGETALL', KEYS[1])}
`;

/**
 * Append one event of the agent's busy task `taskId`, exactly once, and apply what it changes on
 * the agent, in one step: `task_started` means its runtime runs; a terminal event ends the task.
 * An event with a sequence number is appended only past the last number stored in `seqField`:
 * `eventSeq` numbers the runtime's events, `supervisorSeq` the scheduler's own, so that a write
 * repeated after a lost reply never stores an event twice. A terminal event needs no number:
 * once it is stored, the task is no longer busy.
 * A `user_message` that reports a steer taken (its index in ARGV) drops the steers up to it from
 * the agent's list, in the same step: a steer leaves the list only once its taking is stored.
 * A `compaction` ends the agent's `Compacting` stage and answers the compaction asked for; so
 * does the task's end.
 * A terminal event adds the task's cost, tokens and itself to its namespace's usage of the day
 * (KEYS[4]), and to its agent's there, which expires `retention` seconds later.
 * KEYS: agent, events, the agent's steers, the namespace's usage of the day.
 * ARGV: taskId, requiredStatus ('' = Queued or InProgress), seq ('' = no deduplication), seqField,
 *   maxLen, eventType, eventTimestamp, payloadJson, now,
 *   terminal taskStatus ('' = not terminal), lastTaskMessage, costUsd, tokens, sessionId, status
 *   (each '' = unchanged), the index of the steer taken ('' = none), the id of a follow-up
 *   task, the hand-over channel prefix, the agent's namespace and name, the usage's retention
 *   in seconds.
 * A terminal event gives back the task's place in its template's queue or its slot, which goes
 * to the next waiting task. Steers that the task did not take are not lost: they become the
 * agent's next task, the follow-up, in the same step: the first one is its instructions, the
 * others stay steers, which it takes before its first model request. The follow-up is offered
 * to the agent's scheduler (as a claim's task is), and its `followUp` field names it, so that
 * the reconciler queues it should its job never reach the queue.
 * Returns {"appended", id, admitted (as START_TASK's), followUp ({} | {taskId, instructions,
 * handedTo ('' = nobody), uid})} | {"duplicate"} when `seq` was stored already | {"stale"} when
 * `taskId` is not the agent's busy task (in `requiredStatus`).
 */
export const RECORD_EVENT = `${APPEND_EVENT}${RELEASE}${HAND_OVER}
if redis.call('HGET', KEYS[1], 'taskId') ~= ARGV[1] then return {'stale'} end
local status = redis.call('HGET', KEYS[1], 'taskStatus')
if status ~= 'Queued' and status ~= 'InProgress' then return {'stale'} end
if ARGV[2] ~= '' and status ~= ARGV[2] then return {'stale'} end
if ARGV[3] ~= '' then
  if tonumber(ARGV[3]) <= tonumber(redis.call('HGET', KEYS[1], ARGV[4]) or '0') then return {'duplicate'} end
  redis.call('HSET', KEYS[1], ARGV[4], ARGV[3])
end
local id = append(ARGV[6], ARGV[1], ARGV[7], ARGV[8], ARGV[5])
if ARGV[6] == 'task_started' then redis.call('HSET', KEYS[1], 'status', 'Running') end
if ARGV[6] == 'compaction' then redis.call('HDEL', KEYS[1], 'compacting', 'compactRequested', 'compactInstructions') end
if ARGV[16] ~= '' then
  local taken = tonumber(ARGV[16])
  local count = tonumber(redis.call('HGET', KEYS[1], 'steerSeq') or '0')
  local left = redis.call('LLEN', KEYS[3])
  while left > 0 and count - left + 1 <= taken do
    redis.call('LPOP', KEYS[3])
    left = left - 1
  end
end
if ARGV[10] ~= '' then
  redis.call('HSET', KEYS[1], 'taskStatus', ARGV[10], 'lastTaskMessage', ARGV[11], 'completionTime', ARGV[9], 'updatedAt', ARGV[9])
  redis.call('HDEL', KEYS[1], 'cancelRequested', 'handedTo', 'compacting', 'compactRequested', 'compactInstructions')
  if ARGV[12] ~= '' then
    redis.call('HSET', KEYS[1], 'lastTaskCostUSD', ARGV[12])
    redis.call('HINCRBYFLOAT', KEYS[1], 'totalCostUSD', ARGV[12])
  end
  if ARGV[13] ~= '' then redis.call('HINCRBY', KEYS[1], 'totalTokens', ARGV[13]) end
  local agentUsage = 'agent:' .. ARGV[20] .. ':'
  for _, prefix in ipairs({'', agentUsage}) do
    redis.call('HINCRBYFLOAT', KEYS[4], prefix .. 'costUsd', tonumber(ARGV[12]) or 0)
    redis.call('HINCRBY', KEYS[4], prefix .. 'tokens', tonumber(ARGV[13]) or 0)
    redis.call('HINCRBY', KEYS[4], prefix .. 'tasks', 1)
  end
  redis.call('EXPIRE', KEYS[4], ARGV[21])
  if ARGV[14] ~= '' then redis.call('HSET', KEYS[1], 'sessionId', ARGV[14]) end
  if ARGV[15] ~= '' then redis.call('HSET', KEYS[1], 'status', ARGV[15]) end
  local admitted = release(KEYS[1], ARGV[1])
  local next = redis.call('LPOP', KEYS[3])
  if not next then return {'appended', id, admitted, {}} end
  redis.call('HSET', KEYS[1], 'taskStatus', 'Queued', 'taskId', ARGV[17], 'instructions', next, 'updatedAt', ARGV[9], 'followUp', ARGV[17])
  local job = cjson.encode({taskId = ARGV[17], namespace = ARGV[19], agentName = ARGV[20], instructions = next, enqueuedAt = ARGV[9]})
  local handedTo = handOver(KEYS[1], ARGV[18], job)
  return {'appended', id, admitted, {ARGV[17], next, handedTo, redis.call('HGET', KEYS[1], 'uid') or ''}}
end
return {'appended', id, {}, {}}
`;

/**
 * `idle(agentKey, taskId)`: whether the agent's last task is `taskId` and has ended, so that no
 * task has been claimed since. A step that acts on an idle agent checks it in the same step as
 * it acts, so that a task claimed in between is never lost to it.
 */
const IDLE = `
local function idle(agentKey, taskId)
  if redis.call('HGET', agentKey, 'taskId') ~= taskId then return false end
  local status = redis.call('HGET', agentKey, 'taskStatus')
  return status == 'Complete' or status == 'Cancelled' or status == 'Error'
end
`;

/**
 * Remove an agent, if it is still the one with uid `uid`: its record, its event stream, its
 * index entries and its entries in the reverse indexes, and tell the schedulers with the
 * caller's `delete` control message. With an idle task, only while the agent is idle since that
 * task (see `idle`): a time-to-live's delete never takes an agent that a task was claimed for.
 * The agent leaves its manager's reports and its squad in the same step.
 * KEYS: agent, agents index, events, namespaces, control channel, the agent's refs hash, its
 * steers, the namespace's office heads.
 * ARGV: name, namespace, uid ('' = an agent stored without one), the control message as JSON,
 * the agent's index member, the idle task ('' = delete whatever it does), now. Its task's place in
 * its template's queue, or its slot, is given back.
 * Returns {1, admitted (as START_TASK's)}, {0} if absent, {-1} when the agent of that name
 * has another uid, or {-2} when it is not idle since the idle task.
 */
export const DELETE_AGENT = `${DROP_REFS}${RELEASE}${IDLE}${LEAVE_OFFICE}${LEAVE_SQUAD}
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
if (redis.call('HGET', KEYS[1], 'uid') or '') ~= ARGV[3] then return {-1} end
if ARGV[6] ~= '' and not idle(KEYS[1], ARGV[6]) then return {-2} end
local admitted = release(KEYS[1], redis.call('HGET', KEYS[1], 'taskId') or '')
leaveOffice(KEYS[1], ARGV[1], KEYS[8])
leaveSquad(KEYS[1], ARGV[1], ARGV[7])
redis.call('DEL', KEYS[1], KEYS[3], KEYS[7])
dropRefs(KEYS[6], ARGV[5])
redis.call('SREM', KEYS[2], ARGV[1])
if redis.call('SCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[4], ARGV[2]) end
redis.call('PUBLISH', KEYS[5], ARGV[4])
return {1, admitted}
`;

/**
 * Put an idle agent to sleep, as its time-to-live asks: its status becomes `Sleeping`, only if
 * it is still the agent of uid `uid`, its status is `Running`, and it is idle since the task
 * the caller saw (see `idle`), in one step, so that a task claimed since is never lost to the
 * sleep. The caller then stops its runtime, unless a task has been handed to it meanwhile.
 * KEYS: agent. ARGV: idle task, uid ('' = an agent stored without one), now.
 * Returns 1 when it went to sleep, 0 when it is gone or is another agent, -1 when it is not
 * `Running`, -2 when it is not idle since the idle task.
 */
export const SLEEP_IDLE = `${IDLE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if (redis.call('HGET', KEYS[1], 'uid') or '') ~= ARGV[2] then return 0 end
if not idle(KEYS[1], ARGV[1]) then return -2 end
if redis.call('HGET', KEYS[1], 'status') ~= 'Running' then return -1 end
redis.call('HSET', KEYS[1], 'status', 'Sleeping', 'updatedAt', ARGV[3])
return 1
`;

/**
 * Delete a template, unless agents name it: the check and the delete are one step, so that no
 * agent is created naming it in between. KEYS: the template, its scope's index of names, the
 * set of the agents that name it, the index of warm pools. ARGV: its name, '1' to delete it even
 * when agents name it (a "default": the built-in one takes over), its warm pools' member.
 * Returns {1} | {0} when it does not exist | {-1, count, up to 20 of those agents}.
 */
export const DELETE_TEMPLATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local count = redis.call('SCARD', KEYS[3])
if count > 0 and ARGV[2] ~= '1' then return {-1, count, redis.call('SRANDMEMBER', KEYS[3], 20)} end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[3])
return {1}
`;

/**
 * The steers of the agent's running task `taskId` after index `after`, oldest first, as many as
 * fit in `maxBytes` of content (at least one). KEYS: agent, its steers. ARGV: taskId, after,
 * maxBytes. Returns {} when the task is not the agent's running task, else {index of the first
 * steer returned, its content, the next one's, ...} ({first} alone when there is none).
 */
export const STEERS_AFTER = `
if redis.call('HGET', KEYS[1], 'taskId') ~= ARGV[1] then return {} end
if redis.call('HGET', KEYS[1], 'taskStatus') ~= 'InProgress' then return {} end
local left = redis.call('LLEN', KEYS[2])
local head = tonumber(redis.call('HGET', KEYS[1], 'steerSeq') or '0') - left + 1
local from = math.max(0, tonumber(ARGV[2]) + 1 - head)
local out = {head + from}
local bytes, max = 0, tonumber(ARGV[3])
for _, content in ipairs(redis.call('LRANGE', KEYS[2], from, -1)) do
  if #out > 1 and bytes + #content > max then break end
  bytes = bytes + #content
  out[#out + 1] = content
end
return out
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

/**
 * Store a template: with `replace`, its settings become exactly the given ones (its createdAt
 * stays); without, the given ones change and the others stay, and only an existing template is
 * changed. Then the free slots of a raised cap go to the waiting tasks, in the same step.
 * The index of warm pools holds the template while its `warmPoolSize` is above 0.
 * KEYS: the template, its scope's index of names, the index of warm pools. ARGV: name, scope
 * ('namespace'|'cluster'), now, replace ('1'|'0'), its warm pools' member, then
 * `spec.<field>`/JSON pairs.
 * Returns {HGETALL after, admitted (as START_TASK's)}, or false when patching one that does not exist.
 */
export const PUT_TEMPLATE = `${ADMIT}
local exists = redis.call('EXISTS', KEYS[1]) == 1
if ARGV[4] ~= '1' and not exists then return false end
local createdAt = redis.call('HGET', KEYS[1], 'createdAt') or ARGV[3]
if ARGV[4] == '1' then redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'scope', ARGV[2], 'createdAt', createdAt, 'updatedAt', ARGV[3])
if #ARGV >= 6 then redis.call('HSET', KEYS[1], unpack(ARGV, 6)) end
redis.call('SADD', KEYS[2], ARGV[1])
local pool = tonumber(redis.call('HGET', KEYS[1], 'spec.warmPoolSize') or '')
if pool and pool > 0 then redis.call('SADD', KEYS[3], ARGV[5]) else redis.call('SREM', KEYS[3], ARGV[5]) end
return {redis.call('HGETALL', KEYS[1]), admit(KEYS[1], 'capMember')}
`;

/**
 * Ask the agent's busy task to compact its conversation at its next turn boundary, with the
 * caller's guidance ('' = none): the check and the ask are one step, so that the ask never lands
 * on a task that has ended. KEYS: agent. ARGV: instructions.
 * Returns the task's id, or false when the agent has no queued or running task.
 */
export const REQUEST_COMPACTION = `
local status = redis.call('HGET', KEYS[1], 'taskStatus')
if status ~= 'Queued' and status ~= 'InProgress' then return false end
local taskId = redis.call('HGET', KEYS[1], 'taskId')
redis.call('HSET', KEYS[1], 'compactRequested', taskId, 'compactInstructions', ARGV[1])
return taskId
`;

/**
 * Mark the agent's running task `taskId` as compacting ('1') or no longer ('0': the compaction
 * failed, and the compaction asked for is dropped with it, rather than tried at every boundary);
 * nothing when it is not the agent's running task. KEYS: agent. ARGV: taskId, '1'|'0'.
 * Returns 1, or 0 when `taskId` is not the agent's running task.
 */
export const SET_COMPACTING = `
if redis.call('HGET', KEYS[1], 'taskId') ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 'taskStatus') ~= 'InProgress' then return 0 end
if ARGV[2] == '1' then
  redis.call('HSET', KEYS[1], 'compacting', ARGV[1])
else
  redis.call('HDEL', KEYS[1], 'compacting', 'compactRequested', 'compactInstructions')
end
return 1
`;

/**
 * Set a namespace's quota: its fields become exactly the given ones, and its `maxRunningTasks`
 * cap (`spec.maxConcurrentAgents`, with the reason its waiting tasks show) gives its free slots
 * to the waiting tasks in the same step: a raised or lifted cap starts them at once.
 * KEYS: the quota. ARGV: now, the queue reason ('' = no running-tasks cap), then field/value
 * pairs. Returns {HGETALL after, admitted (as START_TASK's)}.
 */
export const PUT_QUOTA = `${ADMIT}
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'capReason', ARGV[2]) end
if #ARGV >= 3 then redis.call('HSET', KEYS[1], unpack(ARGV, 3)) end
return {redis.call('HGETALL', KEYS[1]), admit(KEYS[1], '${CAP_FIELDS[1][1]}')}
`;
