/**
 * Lua scripts of squads: each is one atomic step over the squad and its members' records, so
 * that a membership change and a member's task start never interleave.
 *
 * A squad's hash holds `name`, `namespace`, `createdAt`, `orphanTTL`, `breakUpRequested`,
 * `orphanedSince`, `home` (the member whose workspace the squad shares) and the fields that make
 * it a cap of one task at a time (`spec.maxConcurrentAgents`, `capReason`), which the task start
 * reads as it reads a template's. A member's record names its squad (`squad`) and the squad's key
 * (`squadKey`).
 */

/**
 * `busyMember(prefix, names)`: the first of the agents `names` (records under key prefix
 * `prefix`) whose task is queued or running, or false.
 */
const BUSY_MEMBER = `
local function busyMember(prefix, names)
  for _, name in ipairs(names) do
    local status = redis.call('HGET', prefix .. name, 'taskStatus')
    if status == 'Queued' or status == 'InProgress' then return name end
  end
  return false
end
`;

/**
 * `checkJoin(skey, prefix, name)`: false when the agent exists and is in no other squad, else
 * the error reply as a table. `join(skey, prefix, name, squad)` makes it a member.
 */
const JOIN = `
local function checkJoin(skey, prefix, name)
  if redis.call('EXISTS', prefix .. name) == 0 then return {'noagent', name} end
  local other = redis.call('HGET', prefix .. name, 'squad')
  if other and redis.call('HGET', prefix .. name, 'squadKey') ~= skey then
    return {'insquad', name, other}
  end
  return false
end
local function join(skey, prefix, name, squad)
  redis.call('SADD', skey .. ':members', name)
  redis.call('HSET', prefix .. name, 'squadKey', skey, 'squad', squad)
end
`;

/** `membersOf(skey)`: the squad's members, sorted by name. */
const MEMBERS_OF = `
local function membersOf(skey)
  local members = redis.call('SMEMBERS', skey .. ':members')
  table.sort(members)
  return members
end
`;

/**
 * Create a squad with its members, unless one of that name exists. Every member must exist, be
 * in no other squad and be idle (its workspace changes). The first member listed is the home:
 * the squad shares its workspace.
 * The caller lists the squad among every squad's (a key of no namespace) before this step.
 * KEYS: squad, namespace's squads. ARGV: name, namespace, now, orphanTTL ('' = none), the
 * agents' key prefix, the most members, then the member names.
 * Returns {'ok'} | {'exists'} | {'noagent', name} | {'insquad', name, squad} | {'busy', name} |
 * {'toomany'}.
 */
export const CREATE_SQUAD = `${BUSY_MEMBER}${JOIN}
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
local names = {unpack(ARGV, 7)}
if #names > tonumber(ARGV[6]) then return {'toomany'} end
for _, name in ipairs(names) do
  local refused = checkJoin(KEYS[1], ARGV[5], name)
  if refused then return refused end
end
local busy = busyMember(ARGV[5], names)
if busy then return {'busy', busy} end
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'namespace', ARGV[2], 'createdAt', ARGV[3],
  'spec.maxConcurrentAgents', '1', 'capReason', 'waiting for squad "' .. ARGV[1] .. '": its members share a workspace and run one task at a time')
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'orphanTTL', ARGV[4]) end
if #names == 0 then redis.call('HSET', KEYS[1], 'orphanedSince', ARGV[3])
else redis.call('HSET', KEYS[1], 'home', names[1]) end
for _, name in ipairs(names) do join(KEYS[1], ARGV[5], name, ARGV[1]) end
redis.call('SADD', KEYS[2], ARGV[1])
return {'ok'}
`;

/**
 * Change a squad's members: add some, remove some, or replace them all (`mode` add | remove |
 * replace), and its `orphanTTL`. A membership change needs every member, old and new, idle: a
 * member's workspace changes with it, and no task may run in a workspace that changes under it.
 * The home stays unless it leaves; then the first remaining member by name becomes it. A squad
 * left without members is orphaned from now; one given members is no longer.
 * KEYS: squad. ARGV: now, mode, orphanTTL ('' = unchanged, '-' = remove), the agents' key prefix,
 * the most members, then the names.
 * Returns {'ok'} | {'nosquad'} | {'breakingup'} | {'noagent', name} | {'insquad', name, squad} |
 * {'member', name} (added twice) | {'notmember', name} | {'busy', name} | {'toomany'}.
 */
export const CHANGE_SQUAD = `${BUSY_MEMBER}${JOIN}${MEMBERS_OF}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'nosquad'} end
if redis.call('HGET', KEYS[1], 'breakUpRequested') == '1' then return {'breakingup'} end
local prefix, mode = ARGV[4], ARGV[2]
local names = {unpack(ARGV, 6)}
local old = membersOf(KEYS[1])
local isOld = {}
for _, name in ipairs(old) do isOld[name] = true end
local added, removed = {}, {}
if mode == 'add' then
  for _, name in ipairs(names) do
    if isOld[name] then return {'member', name} end
    added[#added + 1] = name
  end
elseif mode == 'remove' then
  for _, name in ipairs(names) do
    if not isOld[name] then return {'notmember', name} end
    removed[#removed + 1] = name
  end
elseif mode == 'replace' then
  local isNew = {}
  for _, name in ipairs(names) do
    isNew[name] = true
    if not isOld[name] then added[#added + 1] = name end
  end
  for _, name in ipairs(old) do
    if not isNew[name] then removed[#removed + 1] = name end
  end
end
if #old + #added - #removed > tonumber(ARGV[5]) then return {'toomany'} end
for _, name in ipairs(added) do
  local refused = checkJoin(KEYS[1], prefix, name)
  if refused then return refused end
end
if #added > 0 or #removed > 0 then
  local busy = busyMember(prefix, old) or busyMember(prefix, added)
  if busy then return {'busy', busy} end
end
for _, name in ipairs(removed) do
  redis.call('SREM', KEYS[1] .. ':members', name)
  redis.call('HDEL', prefix .. name, 'squadKey', 'squad', 'squadHome')
end
for _, name in ipairs(added) do join(KEYS[1], prefix, name, redis.call('HGET', KEYS[1], 'name')) end
if ARGV[3] == '-' then redis.call('HDEL', KEYS[1], 'orphanTTL')
elseif ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'orphanTTL', ARGV[3]) end
local now = membersOf(KEYS[1])
local home = redis.call('HGET', KEYS[1], 'home')
if #now == 0 then
  redis.call('HDEL', KEYS[1], 'home')
  if #old > 0 or not redis.call('HGET', KEYS[1], 'orphanedSince') then
    redis.call('HSET', KEYS[1], 'orphanedSince', ARGV[1])
  end
else
  redis.call('HDEL', KEYS[1], 'orphanedSince')
  local stays = false
  for _, name in ipairs(now) do if name == home then stays = true end end
  if not stays then
    -- A squad that had none takes the first member given as its home, as a new squad does.
    redis.call('HSET', KEYS[1], 'home', #old == 0 and added[1] or now[1])
  end
end
return {'ok'}
`;

/**
 * Dissolve a squad: its members become solo agents again (each runs in its own workspace from
 * its next task), and the squad is gone. Only while no member has a task queued or running:
 * otherwise a break-up (`mode` breakup) is recorded (`breakUpRequested`), for the reconciler to
 * finish once every member is idle, and a delete (`mode` delete) is refused. An expiry (`mode`
 * expire: its `orphanTTL` has passed) is refused while the squad has members.
 * KEYS: squad, namespace's squads. ARGV: mode, the agents' key prefix. The caller takes a
 * dissolved squad out of every squad's (a key of no namespace) after this step.
 * Returns {'dissolved', hash, members} | {'pending', hash, members} | {'busy', name} |
 * {'nosquad'}.
 */
export const DISSOLVE_SQUAD = `${BUSY_MEMBER}${MEMBERS_OF}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'nosquad'} end
local members = membersOf(KEYS[1])
-- An orphaned squad expires only while it still has no members.
if ARGV[1] == 'expire' and #members > 0 then return {'busy', members[1]} end
local busy = busyMember(ARGV[2], members)
if busy then
  if ARGV[1] ~= 'breakup' then return {'busy', busy} end
  redis.call('HSET', KEYS[1], 'breakUpRequested', '1')
  return {'pending', redis.call('HGETALL', KEYS[1]), members}
end
if ARGV[1] == 'breakup' then redis.call('HSET', KEYS[1], 'breakUpRequested', '1') end
local hash = redis.call('HGETALL', KEYS[1])
local squad = redis.call('HGET', KEYS[1], 'name') or ''
for _, name in ipairs(members) do
  redis.call('HDEL', ARGV[2] .. name, 'squadKey', 'squad', 'squadHome')
end
redis.call('DEL', KEYS[1], KEYS[1] .. ':members', KEYS[1] .. ':slots', KEYS[1] .. ':waiting')
redis.call('SREM', KEYS[2], squad)
return {'dissolved', hash, members}
`;
