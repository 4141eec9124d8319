#!lua name=statestore_events
--[[
statestore event bus and task streams (reference: docs/events.md).

A separate library from the document library `statestore`, with its own LIB_VERSION, so the
two can be upgraded independently. Installed by the Java client like the document library
(FUNCTION LOAD REPLACE when the server has none or an older version).

Keys (prefix `ss:` by default). Every key an event-bus call touches carries the hash tag
`{ev}`, so one publish (type stream + global stream + idempotency set) is one hash slot on
Redis Cluster. Task streams carry their own tag `{<task id>}`.
  <p>{ev}:t:<type>    stream   events of one type
  <p>{ev}:all         stream   every event (a copy), in publish order
  <p>{ev}:dlq:<type>  stream   dead letters of one type
  <p>{ev}:ids         zset     client event IDs seen recently (score: server time ms), for
                               idempotent publishing (the outage spool re-sends)
  <p>{ev}:types       set      the event types ever published
  <p>task:{<id>}      stream   the chunks of one task, then one end entry

Event entry fields: id (client-generated, unique), type, src, time (ms, client clock), data
(JSON text, opaque here: cjson never touches it). Dead letters add error, deliveries, group,
consumer, origin (the entry ID in the type stream). Redriven events add redriven (count).

Trimming never removes an entry that a consumer group has not acknowledged: the floor of a
stream is the smallest of, per group, its oldest pending ID and the ID after its
last-delivered-id. Only entries below the floor are ever removed.

Errors (first word of the error reply): SS_INVALID.
]]

local LIB_VERSION = '2'
local PUBLISH_TRIM_EVERY = 100   -- about one publish in this many checks trimming (and ID expiry)
local PUBLISH_TRIM_CHUNK = 250   -- ... and then removes at most this many entries
local DAEMON_TRIM_CHUNK = 10000  -- ev_trim removes at most this many entries by length per call

local function fail(code, msg)
  error({err = code .. ' ' .. msg})
end

local function fmt(n)
  return string.format('%.0f', n)
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function int_arg(v, name)
  if v == nil or not string.match(v, '^%d+$') then
    fail('SS_INVALID', name .. ' must be a non-negative integer, got "' .. tostring(v) .. '"')
  end
  return tonumber(v)
end

local function need(v, name, max)
  if v == nil or v == '' then
    fail('SS_INVALID', name .. ' must not be empty')
  end
  if max and #v > max then
    fail('SS_INVALID', name .. ' is longer than ' .. max .. ' bytes')
  end
  return v
end

local function check_keys(keys, n, what)
  if #keys ~= n then
    fail('SS_INVALID', 'expected ' .. n .. ' keys (' .. what .. '), got ' .. #keys)
  end
end

-- Stream IDs "ms-seq" as two numbers; compared numerically.
local function parse_id(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  if not ms then
    fail('SS_INVALID', 'not a stream ID: "' .. tostring(id) .. '"')
  end
  return tonumber(ms), tonumber(seq)
end

local function id_lt(a, b)
  local am, as = parse_id(a)
  local bm, bs = parse_id(b)
  return am < bm or (am == bm and as < bs)
end

local function successor(id)
  local ms, seq = parse_id(id)
  return fmt(ms) .. '-' .. fmt(seq + 1)
end

local function pairs_to_map(flat)
  local m = {}
  for i = 1, #flat, 2 do
    m[flat[i]] = flat[i + 1]
  end
  return m
end

-- The smallest ID some group still needs (pending or not yet delivered); nil when no group
-- needs anything below the end of the stream (or there are no groups).
local function safe_floor(stream)
  local floor = nil
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    local info = pairs_to_map(g)
    local b = successor(info['last-delivered-id'])
    if tonumber(info['pending']) > 0 then
      local summary = redis.call('XPENDING', stream, info['name'])
      if id_lt(summary[2], b) then
        b = summary[2]
      end
    end
    if floor == nil or id_lt(b, floor) then
      floor = b
    end
  end
  return floor
end

-- Removes entries beyond maxlen (0: no limit, at most `chunk` per call) and entries older
-- than minid ('' : no limit), but never an entry at or above the floor. Reply: entries removed.
local function safe_trim(stream, maxlen, minid, chunk)
  if redis.call('EXISTS', stream) == 0 then
    return 0
  end
  local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
  if first == nil then
    return 0
  end
  local floor = safe_floor(stream)
  if floor ~= nil and not id_lt(first[1], floor) then
    return 0 -- the oldest entry is still needed by a group
  end
  local cut = nil -- entries with an ID below cut go
  if minid ~= '' then
    cut = minid
  end
  if maxlen > 0 then
    local excess = redis.call('XLEN', stream) - maxlen
    if excess > 0 then
      local upto = '+'
      if floor ~= nil then
        upto = '(' .. floor
      end
      local r = redis.call('XRANGE', stream, '-', upto, 'COUNT', math.min(excess, chunk))
      if #r > 0 then
        local c = successor(r[#r][1])
        if cut == nil or id_lt(cut, c) then
          cut = c
        end
      end
    end
  end
  if cut == nil then
    return 0
  end
  if floor ~= nil and id_lt(floor, cut) then
    cut = floor
  end
  return redis.call('XTRIM', stream, 'MINID', cut)
end

local function append_event(stream, fields, maxlen, check_now)
  local id = redis.call('XADD', stream, '*', unpack(fields))
  if maxlen > 0 and check_now and redis.call('XLEN', stream) > maxlen then
    safe_trim(stream, maxlen, '', PUBLISH_TRIM_CHUNK)
  end
  return id
end

---------------------------------------------------------------------------------------
-- Publishes one event (shared by ev_publish and ev_publish_batch); reply {tid, gid} or {'', ''}.
local function publish_one(tkey, gkey, idskey, typeskey, argv, at, p)
  local id = need(argv[at], 'event id', 200)
  local typ = need(argv[at + 1], 'event type', 200)
  local src = argv[at + 2] or ''
  local time = argv[at + 3]
  int_arg(time, 'time')
  local data = need(argv[at + 4], 'data')
  -- Remember the ID first: ZADD NX answers 0 for an ID already published (a re-send).
  -- Numbers stay strings on the way to redis.call: Lua's number formatting is costly.
  if redis.call('ZADD', idskey, 'NX', p.now_s, id) == 0 then
    return {'', ''}
  end
  local fields = {'id', id, 'type', typ, 'src', src, 'time', time, 'data', data}
  local tid = append_event(tkey, fields, p.maxlen, p.check_now)
  local gid = append_event(gkey, fields, p.maxlen, p.check_now)
  if not p.types_added[typ] then
    redis.call('SADD', typeskey, typ)
    p.types_added[typ] = true
  end
  return {tid, gid}
end

-- Settings shared by the events of one call, and the amortised housekeeping: on about one
-- call in PUBLISH_TRIM_EVERY (picked by the server clock's microseconds) old IDs are
-- forgotten and the streams trimmed towards maxlen.
local function publish_settings(argv, at)
  local t = redis.call('TIME')
  local us = t[2]
  local now_s = t[1] .. string.sub(string.rep('0', 6 - #us) .. us, 1, 3)
  return {
    maxlen = int_arg(argv[at], 'maxlen'),
    keep = int_arg(argv[at + 1], 'id retention'),
    maxids = int_arg(argv[at + 2], 'max ids'),
    now = tonumber(now_s),
    now_s = now_s,
    check_now = tonumber(us) % PUBLISH_TRIM_EVERY == 0,
    types_added = {},
  }
end

local function forget_old_ids(idskey, p)
  if p.check_now then
    redis.call('ZREMRANGEBYSCORE', idskey, '-inf', '(' .. fmt(p.now - p.keep))
    if p.maxids > 0 then
      redis.call('ZREMRANGEBYRANK', idskey, 0, -p.maxids - 1)
    end
  end
end

-- ev_publish: append one event to its type stream and the global stream, once per event ID.
--   KEYS: type stream, global stream, ids zset, types set
--   ARGV: event id, type, source, time ms, data JSON, maxlen (0 = none),
--         id retention ms, max ids kept (0 = no limit)
--   reply: {type stream entry ID, global entry ID}, or {'', ''} when the event ID was
--          already published within the retention (a re-send: nothing written)
--   errors: SS_INVALID (key count, empty id/type/data, non-integer numbers)
local function publish(keys, argv)
  check_keys(keys, 4, 'type stream, global stream, ids, types')
  local p = publish_settings(argv, 6)
  local r = publish_one(keys[1], keys[2], keys[3], keys[4], argv, 1, p)
  forget_old_ids(keys[3], p)
  return r
end

-- ev_publish_batch: several events in one call, in order (same guarantees as ev_publish each).
--   KEYS: global stream, ids zset, types set, then the type stream of each event
--   ARGV: maxlen, id retention ms, max ids, then per event: id, type, source, time ms, data
--   reply: {tid1, gid1, tid2, gid2, ...} ('' '' for a re-sent ID)
--   errors: SS_INVALID (checked for every event before the first write)
local function publish_batch(keys, argv)
  local n = #keys - 3
  if n < 1 or #argv ~= 3 + 5 * n then
    fail('SS_INVALID', 'expected 3 + N keys and 3 + 5N arguments, got ' .. #keys .. ' keys, ' .. #argv .. ' arguments')
  end
  for i = 1, n do
    local at = 4 + 5 * (i - 1)
    need(argv[at], 'event id', 200)
    need(argv[at + 1], 'event type', 200)
    int_arg(argv[at + 3], 'time')
    need(argv[at + 4], 'data')
  end
  local p = publish_settings(argv, 1)
  local out = {}
  for i = 1, n do
    local r = publish_one(keys[3 + i], keys[1], keys[2], keys[3], argv, 4 + 5 * (i - 1), p)
    out[#out + 1] = r[1]
    out[#out + 1] = r[2]
  end
  forget_old_ids(keys[2], p)
  return out
end

-- ev_dead: move a pending entry to the dead-letter stream and acknowledge it, atomically.
--   KEYS: type stream, dead-letter stream
--   ARGV: group, entry ID, error text, delivery count, consumer
--   reply: the dead-letter entry ID, or nil when the entry is no longer pending for the
--          group (another consumer acknowledged or moved it first)
--   errors: SS_INVALID
local function dead(keys, argv)
  check_keys(keys, 2, 'type stream, dead-letter stream')
  local group = need(argv[1], 'group')
  local id = need(argv[2], 'entry id')
  parse_id(id)
  local err = argv[3] or ''
  local deliveries = int_arg(argv[4], 'deliveries')
  local consumer = argv[5] or ''
  if #redis.call('XPENDING', keys[1], group, id, id, 1) == 0 then
    return false
  end
  local fields = {}
  local e = redis.call('XRANGE', keys[1], id, id)[1]
  if e ~= nil then
    fields = e[2]
  end
  local out = {}
  for i = 1, #fields, 2 do
    out[#out + 1] = fields[i]
    out[#out + 1] = fields[i + 1]
  end
  for _, v in ipairs({'error', err, 'deliveries', fmt(deliveries), 'group', group,
                      'consumer', consumer, 'origin', id}) do
    out[#out + 1] = v
  end
  local did = redis.call('XADD', keys[2], '*', unpack(out))
  redis.call('XACK', keys[1], group, id)
  return did
end

local DEAD_FIELDS = {error = true, deliveries = true, group = true, consumer = true, origin = true, redriven = true}

-- ev_redrive: move dead letters back to the end of their type stream (every group of the
-- type sees them again), oldest first.
--   KEYS: dead-letter stream, type stream
--   ARGV: max entries to move (0 = all)
--   reply: number moved
--   errors: SS_INVALID
local function redrive(keys, argv)
  check_keys(keys, 2, 'dead-letter stream, type stream')
  local max = int_arg(argv[1], 'count')
  local r
  if max > 0 then
    r = redis.call('XRANGE', keys[1], '-', '+', 'COUNT', max)
  else
    r = redis.call('XRANGE', keys[1], '-', '+')
  end
  for _, e in ipairs(r) do
    local f = e[2]
    local out = {}
    local times = 0
    for i = 1, #f, 2 do
      if f[i] == 'redriven' then
        times = tonumber(f[i + 1]) or 0
      elseif not DEAD_FIELDS[f[i]] then
        out[#out + 1] = f[i]
        out[#out + 1] = f[i + 1]
      end
    end
    out[#out + 1] = 'redriven'
    out[#out + 1] = fmt(times + 1)
    redis.call('XADD', keys[2], '*', unpack(out))
    redis.call('XDEL', keys[1], e[1])
  end
  return #r
end

-- ev_trim: the daemon's trimming, by length and by age, never past a group's floor.
--   KEYS: one stream
--   ARGV: maxlen (0 = no length limit), minid (entries below it may go; '' = no age limit)
--   reply: entries removed (at most 10,000 by length per call: call again while it is > 0)
--   errors: SS_INVALID
local function trim(keys, argv)
  check_keys(keys, 1, 'stream')
  local maxlen = int_arg(argv[1], 'maxlen')
  local minid = argv[2] or ''
  if minid ~= '' then
    parse_id(minid)
  end
  return safe_trim(keys[1], maxlen, minid, DAEMON_TRIM_CHUNK)
end

-- ev_task: append a chunk to a task stream, or its end entry; sets the TTL on every call
-- (so it is set on creation and refreshed on each append).
--   KEYS: task stream
--   ARGV: 'chunk' TEXT TTL_MS  |  'end' STATUS(done|failed) MESSAGE TTL_MS
--   reply: the entry ID
--   errors: SS_INVALID (bad arguments, or the task has already ended)
local function task(keys, argv)
  check_keys(keys, 1, 'task stream')
  local op = argv[1]
  local last = redis.call('XREVRANGE', keys[1], '+', '-', 'COUNT', 1)[1]
  if last ~= nil and pairs_to_map(last[2])['end'] ~= nil then
    fail('SS_INVALID', 'task stream "' .. keys[1] .. '" has already ended')
  end
  local id, ttl
  if op == 'chunk' then
    ttl = int_arg(argv[3], 'ttl')
    id = redis.call('XADD', keys[1], '*', 'c', argv[2] or '')
  elseif op == 'end' then
    local status = argv[2]
    if status ~= 'done' and status ~= 'failed' then
      fail('SS_INVALID', 'task end status must be "done" or "failed", got "' .. tostring(status) .. '"')
    end
    ttl = int_arg(argv[4], 'ttl')
    id = redis.call('XADD', keys[1], '*', 'end', status, 'msg', argv[3] or '')
  else
    fail('SS_INVALID', 'task operation must be "chunk" or "end", got "' .. tostring(op) .. '"')
  end
  if ttl > 0 then
    redis.call('PEXPIRE', keys[1], ttl)
  end
  return id
end

---------------------------------------------------------------------------------------
-- Errors raised with fail() become plain error replies ("SS_INVALID ..."), as in `statestore`.
local function guarded(fn)
  return function(keys, argv)
    local ok, res = pcall(fn, keys, argv)
    if ok then
      return res
    end
    if type(res) == 'table' then
      res = res.err
    end
    if type(res) == 'string' and string.sub(res, 1, 3) == 'SS_' then
      return redis.error_reply(res)
    end
    error(res)
  end
end

local function register(name, fn, flags)
  redis.register_function{function_name = name, callback = guarded(fn), flags = flags or {}}
end

register('ev_version', function() return LIB_VERSION end, {'no-writes'})
register('ev_publish', publish)
register('ev_publish_batch', publish_batch)
register('ev_dead', dead)
register('ev_redrive', redrive)
register('ev_trim', trim)
register('ev_task', task)
