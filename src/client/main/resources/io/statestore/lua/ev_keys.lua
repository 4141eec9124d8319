--[[ ev_keys: which keys the event-bus functions accept (statestore_events only). Every key is
one of the bus's own, derived from the prefix P; otherwise a caller could append events to a
document, the change feed or another store's streams.

Two layouts (docs/events.md, docs/cluster.md "The event bus and tasks on a cluster"):
  standalone / Sentinel: every bus key in one slot, base P{ev}: P{ev}:t:<type>, P{ev}:all, ...
  Redis Cluster: each type in the slot of its own tag, base P{ev:<type>}: P{ev:<type>}:t:<type>,
    P{ev:<type>}:all (that type's shard of the global stream), :ids, :types, :dlq:<type>,
    :config; plus the registry of types P{ev}:types (ev_register only).
A function tells the two apart by the server (INFO cluster: cluster_enabled) and
refuses the other layout's keys, so two clients can never write one bus in both. ]]

local function keys_fail(key, what)
  fail('SS_KEYS', '"' .. tostring(key) .. '" is not ' .. what)
end

-- Whether this server is a Redis Cluster node; asked once (a server cannot change its mode
-- without a restart, which starts a new Lua VM). INFO, not CLUSTER KEYSLOT: the writer and reader
-- roles of the daemon's ACLs may run INFO, and a refused CLUSTER would be logged in the ACL log on
-- every new VM (AclRolesTest keeps that log empty).
local ev_on_cluster = nil
local function ev_cluster()
  if ev_on_cluster == nil then
    local info = redis.pcall('INFO', 'cluster')
    if type(info) == 'string' then
      ev_on_cluster = string.find(info, 'cluster_enabled:1', 1, true) ~= nil
    else
      -- INFO refused: CLUSTER KEYSLOT fails on a standalone server; a caller refused both learns
      -- nothing and the answer is not kept, or one such caller would decide for everyone
      local r = redis.pcall('CLUSTER', 'KEYSLOT', 'x')
      if type(r) == 'table' and type(r.err) == 'string'
          and (string.find(r.err, 'NOPERM', 1, true) or string.find(r.err, "can't run this command", 1, true)) then
        fail('NOPERM', 'this user may run neither INFO nor CLUSTER KEYSLOT, by which the functions tell a'
          .. ' cluster node from a standalone server; grant it +info or +cluster|keyslot (docs/security.md): ' .. r.err)
      end
      ev_on_cluster = type(r) == 'number'
    end
  end
  return ev_on_cluster
end

-- The base of a bus key ("P{ev}" or "P{ev:<type>}"), the type of its tag ('' for {ev}) and what
-- follows "base:", which must match the Lua pattern rest.
local function bus_key(key, rest, what)
  local p, tail = string.match(key or '', '^([^{}]-){ev}:(.*)$')
  local ttype = ''
  if not p then
    p, ttype, tail = string.match(key or '', '^([^{}]-){ev:([^{}]+)}:(.*)$')
  end
  if not p or p == '' or string.find(p, '[%s%c]') or not string.find(tail, rest) then
    keys_fail(key, what)
  end
  if (ttype ~= '') ~= ev_cluster() then
    if ev_cluster() then
      keys_fail(key, 'a key of the event bus on Redis Cluster, where each type\'s keys carry the tag {ev:<type>}: '
        .. p .. '{ev:<type>}:...')
    end
    keys_fail(key, 'a key of the event bus on a standalone server, where every key carries the tag {ev}: '
      .. p .. '{ev}:...')
  end
  if ttype == '' then
    return p .. '{ev}', tail, ttype
  end
  return p .. '{ev:' .. ttype .. '}', tail, ttype
end

-- Checks the global stream (or its shard), ids and types keys of a publish; reply: the base and
-- the type of its tag ('' on a standalone server).
local function check_bus_keys(global, ids, types)
  local b, _, ttype = bus_key(global, '^all$', 'the global event stream <prefix>{ev}:all (on a cluster <prefix>{ev:<type>}:all)')
  if ids ~= b .. ':ids' or types ~= b .. ':types' then
    keys_fail(ids .. ' / ' .. tostring(types), 'the event bus\'s ' .. b .. ':ids and ' .. b .. ':types')
  end
  return b, ttype
end

-- The type of a type stream <base>:t:<type>, and the base.
local function stream_type(key)
  local b, tail, ttype = bus_key(key, '^t:.', 'an event type stream <prefix>{ev}:t:<type> (on a cluster <prefix>{ev:<type>}:t:<type>)')
  local typ = string.sub(tail, 3)
  if ttype ~= '' and ttype ~= typ then
    keys_fail(key, 'the stream of type "' .. typ .. '", ' .. b .. ':t:' .. ttype)
  end
  return typ, b
end

-- A type stream key must be <base>:t:<type> (a client bug must not write one type's events into
-- another's stream); on a cluster the base's tag must be that type's. The last pair checked is
-- remembered (the publish path: equal Lua strings are one object, so this is a pointer compare).
local valid_tkey, valid_type, valid_tbase
local function check_type_key(k, typ, nk, b, ttype)
  if k == valid_tkey and typ == valid_type and b == valid_tbase then
    return
  end
  if k == nil then
    fail('SS_INVALID', 'expected a key ' .. nk .. ', the stream of type "' .. typ .. '"')
  end
  if ttype ~= '' and ttype ~= typ then
    fail('SS_KEYS', 'on Redis Cluster a call publishes events of one type, in the slot of that type\'s keys '
      .. b .. ':...; event type "' .. typ .. '" belongs to ' .. string.sub(b, 1, -#ttype - 2) .. typ .. '}')
  end
  if k ~= b .. ':t:' .. typ then
    fail('SS_KEYS', 'key ' .. nk .. ' must be the stream of type "' .. typ .. '", ' .. b .. ':t:' .. typ
      .. ', got "' .. tostring(k) .. '"')
  end
  valid_tkey, valid_type, valid_tbase = k, typ, b
end
