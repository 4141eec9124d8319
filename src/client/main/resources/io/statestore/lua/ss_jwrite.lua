--[[ ss_jwrite (part of statestore.lua): ss_jop with positional arguments, the form the Java
client sends.

As with ss_write, the common update (an existing JSON document, no explicit history option, the
server policy keeping no versions of the key, steps among obj/set of a member/del/rm/incr/append
on paths below the root) takes a fast path that keeps everything in locals and sends no command
whose answer it already knows (EXISTS per obj step, PTTL before and after: only a root
replacement drops a TTL). Anything else, including every error, goes to the general path with
what was already read, so state and errors are those of ss_jop (docs/protocol.md). ]]

local JWRITE_ARGS = {'op', 'change', 'ifrev', 'wid', 'writer', 'feedmax', 'mode', 'histmax', 'histage', 'src'}
local NJ = #JWRITE_ARGS
local INCR_NUMBER = '^%-?%d+%.?%d*[eE]?[%+%-]?%d*$'

local function jwrite_general(keys, argv, pre)
  local o = {}
  for i, name in ipairs(JWRITE_ARGS) do
    local v = argv[i]
    if v ~= '' then
      o[name] = v
    end
  end
  return json_steps_opts(single_doc(keys), keys, o, argv, NJ + 1, pre)
end

-- Whether the steps after the ten arguments are all of a shape the fast path handles; steps it
-- leaves to the general path include every one the general path would refuse. No step may
-- name the root ('$' or '.', the only paths JSON.SET replaces the document at and JSON.DEL
-- deletes the key at) except `obj $`, so the key stays and keeps its TTL.
local function fast_steps(argv, na)
  local i = NJ + 1
  while i <= na do
    local name, p = argv[i], argv[i + 1]
    if p == '$' or p == '.' or p == '' or p == nil then
      if name ~= 'obj' or p ~= '$' or i + 2 > na then
        return false
      end
      i = i + 3
    elseif name == 'set' then
      if i + 4 > na or argv[i + 3] ~= 'm' then
        return false
      end
      i = i + 5
    elseif name == 'obj' then
      if i + 2 > na then
        return false
      end
      i = i + 3
    elseif name == 'del' or name == 'rm' then
      i = i + 2
    elseif name == 'incr' then
      if i + 2 > na or not string.match(argv[i + 2], INCR_NUMBER) then
        return false
      end
      i = i + 3
    elseif name == 'append' then
      if i + 3 > na or not string.match(argv[i + 2], '^%d+$') then
        return false
      end
      i = i + 4
    else
      return false
    end
  end
  return true
end

-- The checks of validate_steps for an existing document, made the same way; false when one
-- fails (the general path then makes them again and answers the error).
local function fast_valid(key, argv, na)
  local made = nil -- paths earlier obj steps make objects (validate_steps' made)
  local i = NJ + 1
  while i <= na do
    local name, p = argv[i], argv[i + 1]
    if name == 'set' then
      local parent = argv[i + 2]
      if not (made and made[parent]) and json_type(key, parent) ~= 'object' then
        return false
      end
      if made then
        made[p] = nil
      end
      i = i + 5
    elseif name == 'obj' then
      local parent = argv[i + 2]
      if p ~= '$' and not (made and made[parent]) and json_type(key, parent) ~= 'object' then
        return false
      end
      made = made or {}
      made[p] = true
      i = i + 3
    elseif name == 'del' then
      i = i + 2
    elseif name == 'rm' then
      if json_type(key, p) == nil then
        return false
      end
      i = i + 2
    elseif name == 'incr' then
      local t = json_type(key, p)
      if t ~= 'integer' and t ~= 'number' then
        return false
      end
      i = i + 3
    else -- append
      if json_type(key, p) ~= 'array' then
        return false
      end
      i = i + 4
    end
  end
  return true
end

-- A member of the root in dotted form: where it exists, the root is an object (a dotted member
-- of an array or a scalar matches nothing).
local ROOT_MEMBER = '^%$%.[%a_][%w_]*$'

-- Applies validated fast-path steps; reply: the last increment's result (nil: none).
local function fast_apply(key, argv, na)
  local keep = nil -- the TTL before a root replacement (obj $ on a non-object root)
  local result = nil
  local known, known_type = nil, nil -- a path whose type was read ahead, and that type
  local i = NJ + 1
  while i <= na do
    local name, p = argv[i], argv[i + 1]
    if name == 'set' then
      redis.call('JSON.SET', key, p, argv[i + 4])
      i = i + 5
    elseif name == 'obj' then
      local t
      if p == known then
        t = known_type
      elseif p == '$' and argv[i + 3] == 'obj' and argv[i + 5] == '$' and i + 5 <= na
          and string.find(argv[i + 4], ROOT_MEMBER) then
        -- a merge's usual start (obj $, obj $.member): one JSON.TYPE answers both when the
        -- member exists, since then the root is an object
        known, known_type = argv[i + 4], json_type(key, argv[i + 4])
        if known_type ~= nil then
          t = 'object'
        else
          known = nil
          t = json_type(key, p)
        end
      else
        t = json_type(key, p)
      end
      if t ~= 'object' then
        if p == '$' and keep == nil then
          keep = redis.call('PTTL', key)
        end
        redis.call('JSON.SET', key, p, '{}')
      end
      i = i + 3
    elseif name == 'del' or name == 'rm' then
      redis.call('JSON.DEL', key, p)
      i = i + 2
    elseif name == 'incr' then
      result = redis.call('JSON.NUMINCRBY', key, p, argv[i + 2])
      i = i + 3
    else -- append
      local len = redis.call('JSON.ARRAPPEND', key, p, argv[i + 3])
      if type(len) == 'table' then
        len = len[1]
      end
      local max = tonumber(argv[i + 2])
      if max > 0 and len > max then
        redis.call('JSON.ARRTRIM', key, p, len - max, len - 1)
      end
      i = i + 4
    end
  end
  if keep and keep > 0 then
    redis.call('PEXPIRE', key, keep)
  end
  return result
end

-- A write whose write ID has a chain's form PRODUCER:N: set by ss_chain.lua (lone_jlink), which
-- records it as its producer's last chain.
local lone_jlink

-- ss_jwrite: KEYS as ss_put. ARGV (10, positional, '' for none): op, change, ifrev, wid, writer,
-- feedmax, mode, histmax, histage, src (JWRITE_ARGS); then the steps, as after ss_jop's `--`.
-- Reply and errors: as ss_jop. A write ID PRODUCER:N (a chain's form) makes the write a chain of
-- one J link (see ss_chain).
-- via (ss_chain's lone J link only, nil otherwise): {m = the metadata's META_STATE, read by the
-- chain with its producer's record; field, head = the chain record's field and its text before
-- the replies, when the producer is known to the document}. The fast path then writes the
-- record with the metadata (one HSET) and sets via.done.
local function jwrite(keys, argv, via)
  if #keys ~= 5 then
    fail('SS_INVALID', 'expected 5 keys (document, metadata, history, feed, index), got ' .. #keys)
  end
  local na = #argv
  if na < NJ then
    fail('SS_INVALID', 'ss_jwrite expects ' .. NJ .. ' arguments (' .. table.concat(JWRITE_ARGS, ' ')
      .. ') and then the steps, got ' .. na .. ' arguments')
  end
  local mode = argv[7]
  if argv[6] ~= '' or argv[8] ~= '' or argv[9] ~= '' or (mode ~= 'json' and mode ~= 'string' and mode ~= '')
      or na == NJ or not fast_steps(argv, na) then
    return jwrite_general(keys, argv, nil) -- unusual or invalid: the general path decides
  end
  local p, tag = doc_call(keys, 1)
  local op, writer = fast_defaults(argv[1], 'patch', argv[5])
  if not OPS[op] then
    return jwrite_general(keys, argv, nil)
  end
  local key, meta, feed = keys[1], keys[2], keys[4]
  local chan = channel_prefix(feed)
  local m = via and via.m or redis.call('HMGET', meta, unpack(META_STATE))
  local ps, wid = m[1], argv[4]
  local typ = redis.call('TYPE', key)['ok']
  local ifrev = argv[3]
  if not ps or m[2] == '1' or typ ~= JSON_TYPE or (ifrev ~= '' and ifrev ~= ps) or (wid ~= '' and m[3] == wid) then
    -- a creation, a tombstone, an expiry to reconcile, a string or foreign key, a conflict, a re-send
    return jwrite_general(keys, argv, {st = state_of(m, typ)})
  end
  local pol = server_policy(policy_key(feed))
  local rule = policy_rule(pol, key)
  if rule.n > 0 or not fast_valid(key, argv, na) then
    return jwrite_general(keys, argv, {st = state_of(m, typ), policy = pol})
  end
  local change, src = argv[2], argv[10]
  local feedmax_s, jsoncheck = settings(p, tag)
  check_step_values({jsoncheck = jsoncheck}, key, argv, NJ + 1, change)
  local sig = nil
  if wid ~= '' then
    sig = write_sig('steps', op, table.concat(argv, '\0', NJ + 1, na), change, ifrev, nil, writer, nil,
      nil, nil, src)
  end
  local result = fast_apply(key, argv, na)
  local now = now_ms()
  local rev = tonumber(ps) + 1
  local rs = fmt(rev)
  if rule.pattern then
    redis.call('DEL', keys[3]) -- a server rule keeping no versions drops what an older one kept
  end
  local id = append_change(feed, maxlen(feedmax_s), chan, key, op, rs, ps, writer, now, change, src)
  if type(result) == 'table' then
    result = result[1]
  end
  if sig then
    redis.call('HSET', meta, 'rev', rs, 'mtime', now, 'writer', writer, 'wid', wid, 'wfid', id, 'wsig', sig)
  elseif via and via.head then
    -- the chain's record of this reply, as chain_record writes it
    redis.call('HSET', meta, 'rev', rs, 'mtime', now, 'writer', writer, via.field,
      via.head .. cjson.encode({{'o', rs, id, result}}))
    via.done = true
  else
    redis.call('HSET', meta, 'rev', rs, 'mtime', now, 'writer', writer)
  end
  if result ~= nil then
    return {rev, id, result}
  end
  return {rev, id}
end
register('ss_jwrite', function(keys, argv)
  if #keys == 5 and #argv >= NJ and string.find(argv[4], ':', 1, true) then
    return lone_jlink(keys, argv)
  end
  return jwrite(keys, argv)
end)
