#!lua name=statestore_events
--[[
statestore event bus and task streams (reference: docs/events.md; what each version changed:
docs/protocol.md, "Library versions"). Shares lua/common.lua and lua/json_check.lua with the
document library (docs/functions.md).

A separate library from the document library `statestore`, with its own LIB_VERSION, so the
two can be upgraded independently. Installed by the Java client like the document library
(docs/functions.md: by version and SHA-256 of the code, again after a FUNCTION FLUSH).

Keys (prefix `ss:` by default). On a standalone server every event-bus key carries the hash tag
`{ev}`; on Redis Cluster each type's keys carry `{ev:<type>}` instead (the global stream is then
one shard per type, `<p>{ev:<type>}:all`), so one publish (type stream + global stream +
idempotency set) is one hash slot either way (lua/ev_keys.lua, docs/cluster.md). Task streams
carry their own tag `{<task id>}`.
  <p>{ev}:t:<type>    stream   events of one type
  <p>{ev}:all         stream   every event (a copy), in publish order
  <p>{ev}:dlq:<type>  stream   dead letters of one type
  <p>{ev}:ids         zset     client event IDs seen recently (score: server time ms), for
                               idempotent publishing (the outage spool re-sends)
  <p>{ev}:types       set      the event types ever published (on a cluster: written by
                               ev_register before a type's first publish; each shard's own
                               <p>{ev:<type>}:types holds just its type)
  <p>task:{<id>}      stream   the chunks of one task, then one end entry

Event entry fields: id (client-generated, unique), type, src, time (ms, client clock), data
(JSON text, opaque here: cjson never touches it). Dead letters add error, deliveries, group,
consumer, origin (the entry ID in the type stream). Redriven events add redriven (count).

Trimming never removes an entry that a consumer group has not acknowledged: the floor of a
stream is the smallest of, per group, its oldest pending ID and the ID after its
last-delivered-id. Only entries below the floor are ever removed.

Errors (first word of the error reply): SS_INVALID, SS_JSON (event data that is not valid JSON), SS_INTERNAL.
]]

local LIB_VERSION = '8'
local PUBLISH_TRIM_EVERY = 100   -- one publish call in this many does trimming (and ID expiry)
local PUBLISH_TRIM_CHUNK = 250   -- ... and then removes at most this many entries
local DAEMON_TRIM_CHUNK = 10000  -- ev_trim removes at most this many entries by length per call

-- #include common.lua
-- #include json_check.lua
-- #include ev_keys.lua

-- ev_version: KEYS none. ARGV none. Reply: the library version (string). Errors: none.
register('ev_version', function() return LIB_VERSION end, {'no-writes'})

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

-- A stream ID argument must be "ms-seq" in full (common.lua's cmp_id also takes "ms" alone).
local function check_id(id)
  if not string.match(id, '^%d+%-%d+$') then
    fail('SS_INVALID', 'not a stream ID: "' .. tostring(id) .. '"')
  end
end

local function id_lt(a, b)
  return cmp_id(a, b) < 0
end

-- The ID right after an ID Redis gave: the same milliseconds, the next sequence number.
local function successor(id)
  local ms, seq = string.match(id, '^(%d+)%-(%d+)$')
  return ms .. '-' .. fmt(tonumber(seq) + 1)
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

---------------------------------------------------------------------------------------
-- The publish path runs for every event, so it is written for the Lua VM's costs (measured
-- with callgrind, docs/benchmarks-events.md). Per event: no table or string is built (fields
-- go to redis.call as arguments, the reply is a count), no tonumber() or
-- string.format (numbers stay strings on the way to Redis), one anchored string.find. Per
-- call: settings and type-stream keys equal to those of the previous call are not checked
-- again (equal Lua strings are one interned object, so the comparison is a pointer compare),
-- and a batch of one type (the usual case) builds no type tables.

-- Bound by each publish entry point: neither `redis` nor `string` is reachable while the
-- library loads, and upvalues are cheaper than global + field lookups per event.
local call, find, sub
local function bind()
  call, find, sub = redis.call, string.find, string.sub
end

-- Checks one event's arguments (argv[at] .. argv[at + 4]: id, type, source, time, data).
local function check_event(argv, at)
  local id, typ, time, data = argv[at], argv[at + 1], argv[at + 3], argv[at + 4]
  if id == nil or id == '' or #id > 200 then
    need(id, 'event id', 200)
  end
  if typ == nil or typ == '' or #typ > 200 then
    need(typ, 'event type', 200)
  end
  if time == nil or not find(time, '^%d+$') then
    int_arg(time, 'time')
  end
  if data == nil or data == '' then
    need(data, 'data')
  end
  check_json(data, 'data of event ' .. id) -- handlers must be able to read it
end

-- The settings (maxlen, id retention ms, max ids) last seen valid: a publisher sends the same
-- three strings on every call.
local valid_maxlen, valid_keep, valid_maxids, valid_keep_half
local function check_settings(argv, at)
  local maxlen, keep, maxids = argv[at], argv[at + 1], argv[at + 2]
  if maxlen ~= valid_maxlen or keep ~= valid_keep or maxids ~= valid_maxids then
    int_arg(maxlen, 'maxlen')
    valid_keep_half = int_arg(keep, 'id retention') / 2
    int_arg(maxids, 'max ids')
    valid_maxlen, valid_keep, valid_maxids = maxlen, keep, maxids
  end
end

-- The server's clock as ms text; server_ms keeps the last value this Lua VM read (a number).
local server_ms
local function server_clock()
  local ms = now_ms()
  server_ms = tonumber(ms)
  return ms
end

-- An event's score in the ID set (docs/events.md, "The ID set's clock"): its own time (the
-- publisher's clock), which saves a TIME call per publish (about 6% of a one-event call's server
-- instructions). The server's clock is read when the time lies outside a window around the last
-- server time this VM read: more than a minute after it (that reading may be stale) or more than
-- half the ID retention before it. An event that far behind (a spooled re-send, a publisher's
-- clock running late) is scored with the server's time, so its ID is still remembered for at
-- least half the retention.
local function id_score(time, keep_half)
  local t = tonumber(time)
  if server_ms == nil or t > server_ms + 60000 or t < server_ms - keep_half then
    local now = server_clock()
    if t < server_ms - keep_half then
      return now
    end
  end
  return time
end

-- Whether this call does the amortised housekeeping: one publish call in PUBLISH_TRIM_EVERY
-- of this Lua VM (a counter: the clock is not read per call for it).
local calls_since_housekeeping = 0
local function housekeeping_due()
  calls_since_housekeeping = calls_since_housekeeping + 1
  if calls_since_housekeeping < PUBLISH_TRIM_EVERY then
    return false
  end
  calls_since_housekeeping = 0
  return true
end

-- Appends one event to its type stream and the global stream unless its ID was published
-- within the retention (ZADD NX answers 0 for a re-send). Returns the two entry IDs, or nil.
local function append(tkey, gkey, idskey, score, argv, at)
  local id = argv[at]
  if call('ZADD', idskey, 'NX', score, id) == 0 then
    return nil
  end
  local typ, src, time, data = argv[at + 1], argv[at + 2] or '', argv[at + 3], argv[at + 4]
  return call('XADD', tkey, '*', 'id', id, 'type', typ, 'src', src, 'time', time, 'data', data),
    call('XADD', gkey, '*', 'id', id, 'type', typ, 'src', src, 'time', time, 'data', data)
end

-- Housekeeping on the calls picked by housekeeping_due(): forget IDs older than the retention
-- by the server's clock, trim the streams written towards maxlen (safely: never past a group's floor).
-- The bus's limits are the store's when the admin has set them (hash <p>{ev}:config: maxlen,
-- idretention ms, maxids; the daemon sets them at start): a publisher's own values would let one
-- careless client shorten every consumer's replay history and every publisher's re-send window.
-- Without them the publisher's values apply.
local function bus_limit(v, default)
  if v and find(v, '^%d+$') then
    return v
  end
  return default
end

local function bus_limits(idskey, maxlen_s, keep_s, maxids_s)
  local cfg = call('HMGET', sub(idskey, 1, -4) .. 'config', 'maxlen', 'idretention', 'maxids')
  return bus_limit(cfg[1], maxlen_s), bus_limit(cfg[2], keep_s), bus_limit(cfg[3], maxids_s)
end

local function housekeeping(idskey, streams, maxlen_s, keep_s, maxids_s)
  maxlen_s, keep_s, maxids_s = bus_limits(idskey, maxlen_s, keep_s, maxids_s)
  local maxlen = tonumber(maxlen_s) or 0
  local maxids = tonumber(maxids_s) or 0
  server_clock()
  call('ZREMRANGEBYSCORE', idskey, '-inf', '(' .. fmt(server_ms - tonumber(keep_s)))
  if maxids > 0 then
    call('ZREMRANGEBYRANK', idskey, 0, -maxids - 1)
  end
  if maxlen > 0 then
    for _, s in ipairs(streams) do
      if call('XLEN', s) > maxlen then
        safe_trim(s, maxlen, '', PUBLISH_TRIM_CHUNK)
      end
    end
  end
end

-- ev_publish: append one event to its type stream and the global stream, once per event ID.
--   KEYS: type stream, global stream, ids zset, types set
--   ARGV: event id, type, source, time ms, data JSON, maxlen (0 = none),
--         id retention ms, max ids kept (0 = no limit)
--   reply: {type stream entry ID, global entry ID}, or {'', ''} when the event ID was
--          already published within the retention (a re-send: nothing written)
--   errors: SS_INVALID (key or argument count, empty id/type/data, non-integer numbers,
--           a type stream key not ending in ":t:<type>")
local function publish(keys, argv)
  bind()
  check_keys(keys, 4, 'type stream, global stream, ids, types')
  if #argv ~= 8 then
    fail('SS_INVALID', 'expected 8 arguments, got ' .. #argv)
  end
  check_event(argv, 1)
  local b, ttype = check_bus_keys(keys[2], keys[3], keys[4])
  check_type_key(keys[1], argv[2], 1, b, ttype)
  check_settings(argv, 6)
  local tid, gid = append(keys[1], keys[2], keys[3], server_clock(), argv, 1)
  if tid then
    call('SADD', keys[4], argv[2])
  end
  if housekeeping_due() then
    housekeeping(keys[3], {keys[1], keys[2]}, argv[6], argv[7], argv[8])
  end
  return {tid or '', gid or ''}
end
register('ev_publish', publish)

-- ev_publish_batch: several events in one call, in order (same guarantees as ev_publish each).
--   KEYS: global stream, ids zset, types set, then the type stream of each distinct event type,
--         in the order the types first appear among the events (a batch of one type: one key);
--         or, as clients of version 2 and before send it, the type stream of each event (3 + N keys;
--         the two forms agree whenever N = 1 or all types differ)
--   ARGV: maxlen, id retention ms, max ids, then per event: id, type, source, time ms, data
--   reply: the number of events written (the others were re-sent IDs). Not the entry IDs:
--          nobody needs them, and an array of 2N strings cost the server about 5k
--          instructions per event to build and send (callgrind).
--   errors: SS_INVALID (all checked before the first write: key and argument counts, empty
--           id/type/data, non-integer numbers, a type stream key not ending in ":t:<type>")
local function publish_batch(keys, argv)
  bind()
  local nargs = #argv
  if nargs < 8 or (nargs - 3) % 5 ~= 0 then
    fail('SS_INVALID', 'expected 3 + 5N arguments (N >= 1), got ' .. nargs)
  end
  check_settings(argv, 1)
  local p, ttype = check_bus_keys(keys[1], keys[2], keys[3])
  local n = (nargs - 3) / 5
  local first = argv[5]
  check_event(argv, 4)
  check_type_key(keys[4], first, 4, p, ttype)
  -- tkey: type -> key when the batch has several types; per_event: one key per event
  local tkey, types, nk, per_event = nil, nil, 4, n > 1 and #keys == 3 + n
  for at = 9, nargs, 5 do
    check_event(argv, at)
    local typ = argv[at + 1]
    if per_event then
      nk = nk + 1
      check_type_key(keys[nk], typ, nk, p, ttype)
      types = types or {first}
      types[#types + 1] = typ
    elseif typ ~= first then
      if tkey == nil then
        tkey, types = {[first] = keys[4]}, {first}
      end
      if tkey[typ] == nil then
        nk = nk + 1
        check_type_key(keys[nk], typ, nk, p, ttype)
        tkey[typ] = keys[nk]
        types[#types + 1] = typ
      end
    end
  end
  if nk ~= #keys then
    fail('SS_INVALID', 'expected ' .. nk .. ' keys (global stream, ids, types, one stream per type), got ' .. #keys)
  end
  local gkey, idskey, k = keys[1], keys[2], keys[4]
  local written, i = 0, 4
  for at = 4, nargs, 5 do
    if per_event then
      k = keys[i]
      i = i + 1
    elseif tkey ~= nil then
      k = tkey[argv[at + 1]]
    end
    if append(k, gkey, idskey, id_score(argv[at + 3], valid_keep_half), argv, at) then
      written = written + 1
    end
  end
  if types == nil then
    call('SADD', keys[3], first)
  else
    call('SADD', keys[3], unpack(types))
  end
  if housekeeping_due() then
    local streams = {gkey}
    for j = 4, nk do
      streams[#streams + 1] = keys[j]
    end
    housekeeping(idskey, streams, argv[1], argv[2], argv[3])
  end
  return written
end
register('ev_publish_batch', publish_batch)

-- ev_register: record an event type in the registry of types, P{ev}:types. On Redis Cluster a
-- publish cannot reach that key (it is in another slot than the type's), so a client registers
-- each type once before its first publish: a reader of the registry then never misses a type
-- that has events. On a standalone server the publish adds it too (this is harmless there).
--   KEYS: the registry P{ev}:types
--   ARGV: event type
--   reply: 1 when the type is new, else 0
--   errors: SS_KEYS (another key), SS_INVALID (not a valid type name)
local function register_type(keys, argv)
  check_keys(keys, 1, 'the registry of event types')
  local p = string.match(keys[1] or '', '^([^{}]-){ev}:types$')
  if not p or p == '' or string.find(p, '[%s%c]') then
    keys_fail(keys[1], 'the registry of event types <prefix>{ev}:types')
  end
  local typ = need(argv[1], 'event type', 200)
  if not string.find(typ, '^[%w][%w._:/-]*$') then
    fail('SS_INVALID', 'invalid event type "' .. typ .. '": use letters, digits and . _ : / -')
  end
  return redis.call('SADD', keys[1], typ)
end
register('ev_register', register_type)

-- ev_dead: move a pending entry to the dead-letter stream and acknowledge it, atomically.
--   KEYS: type stream, dead-letter stream
--   ARGV: group, entry ID, error text, delivery count, consumer
--   reply: the dead-letter entry ID, or nil when the entry is no longer pending for the
--          group (another consumer acknowledged or moved it first)
--   errors: SS_INVALID
local function dead(keys, argv)
  check_keys(keys, 2, 'type stream, dead-letter stream')
  local typ, b = stream_type(keys[1])
  if keys[2] ~= b .. ':dlq:' .. typ then
    keys_fail(keys[2], 'the dead-letter stream of "' .. typ .. '", ' .. b .. ':dlq:' .. typ)
  end
  local group = need(argv[1], 'group')
  local id = need(argv[2], 'entry id')
  check_id(id)
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
register('ev_dead', dead)

local DEAD_FIELDS = {error = true, deliveries = true, group = true, consumer = true, origin = true, redriven = true}

-- ev_redrive: move dead letters back to the end of their type stream (every group of the
-- type sees them again), oldest first.
--   KEYS: dead-letter stream, type stream
--   ARGV: max entries to move (0 = all)
--   reply: number moved
--   errors: SS_INVALID
local function redrive(keys, argv)
  check_keys(keys, 2, 'dead-letter stream, type stream')
  local typ, b = stream_type(keys[2])
  if keys[1] ~= b .. ':dlq:' .. typ then
    keys_fail(keys[1], 'the dead-letter stream of "' .. typ .. '", ' .. b .. ':dlq:' .. typ)
  end
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
register('ev_redrive', redrive)

-- ev_trim: the daemon's trimming, by length and by age, never past a group's floor.
--   KEYS: one stream
--   ARGV: maxlen (0 = no length limit), minid (entries below it may go; '' = no age limit)
--   reply: entries removed (at most 10,000 by length per call: call again while it is > 0)
--   errors: SS_INVALID
local function trim(keys, argv)
  check_keys(keys, 1, 'stream')
  local what = 'an event stream of the bus (<prefix>{ev}:all, :t:<type>, :dlq:<type>; on a cluster {ev:<type>})'
  local _, tail, ttype = bus_key(keys[1], '^[atd]', what)
  local typ = string.match(tail, '^t:(.+)$') or string.match(tail, '^dlq:(.+)$')
  if tail ~= 'all' and (typ == nil or (ttype ~= '' and typ ~= ttype)) then
    keys_fail(keys[1], what)
  end
  local maxlen = int_arg(argv[1], 'maxlen')
  local minid = argv[2] or ''
  if minid ~= '' then
    check_id(minid)
  end
  return safe_trim(keys[1], maxlen, minid, DAEMON_TRIM_CHUNK)
end
register('ev_trim', trim)

-- ev_task: append a chunk to a task stream, or its end entry; sets the TTL on every call
-- (so it is set on creation and refreshed on each append).
--   KEYS: task stream
--   ARGV: 'chunk' TEXT TTL_MS  |  'end' STATUS(done|failed) MESSAGE TTL_MS
--   reply: the entry ID
--   errors: SS_INVALID (bad arguments, or the task has already ended)
local function task(keys, argv)
  check_keys(keys, 1, 'task stream')
  local tp = string.match(keys[1], '^([^{}]-)task:{[^{}]+}$')
  if not tp or tp == '' or string.find(tp, '[%s%c]') then
    keys_fail(keys[1], 'a task stream <prefix>task:{<id>}')
  end
  local op = argv[1]
  local last = redis.call('XREVRANGE', keys[1], '+', '-', 'COUNT', 1)[1]
  if last ~= nil and pairs_to_map(last[2])['end'] ~= nil then
    fail('SS_INVALID', 'task stream "' .. keys[1] .. '" has already ended')
  end
  local id, ttl
  if op == 'chunk' then
    ttl = int_arg(argv[3], 'ttl')
    local text = argv[2] or ''
    if string.find(text, '[\128-\255]') and not utf8_valid(text) then
      fail('SS_INVALID', 'task chunk text is not valid UTF-8')
    end
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
register('ev_task', task)
