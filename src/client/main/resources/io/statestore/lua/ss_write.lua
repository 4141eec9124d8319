--[[ ss_write (part of statestore.lua): ss_put with positional arguments, the form the Java
client sends on every put, and ss_write_many, its group commit.

The common update (an existing string document, no ttl, no explicit history option) takes a
fast path that keeps everything in locals: on Redis's Lua 5.1 every table, option lookup and
string built costs VM steps, and the general path spends more on them than on its Redis
commands. Anything else goes to the general path with what was already read, so both paths
validate, write, emit and record history the same way (docs/protocol.md). ]]

local WRITE_ARGS = {'op', 'doc', 'change', 'ifrev', 'wid', 'writer', 'feedmax', 'mode', 'ttl', 'histmax',
                    'histage', 'src'}

-- What '' means in the positional forms (ss_write, ss_jwrite): the function's default op name
-- and writer "unknown".
local function fast_defaults(op, default_op, writer)
  if op == '' then
    op = default_op
  end
  if writer == '' then
    writer = 'unknown'
  end
  return op, writer
end

-- The general path for the write at keys[ki..ki+4], argv[ai+1..ai+12].
local function write_general(keys, ki, argv, ai, pre)
  local o = {}
  for i, name in ipairs(WRITE_ARGS) do
    local v = argv[ai + i]
    if v ~= '' then
      o[name] = v
    end
  end
  return whole_write_opts({keys[ki], keys[ki + 1], keys[ki + 2], keys[ki + 3], keys[ki + 4]}, o, 'put', 'put', pre)
end

-- One write: its document, metadata, history, feed and index keys from keys[ki], its twelve
-- arguments after argv[ai]. Offsets instead of slices, so ss_write_many builds no table per write.
local function write_at(keys, ki, argv, ai)
  local doc = argv[ai + 2]
  if doc == '' or argv[ai + 7] ~= '' or argv[ai + 8] ~= 'string' or argv[ai + 9] ~= '' or argv[ai + 10] ~= '' then
    return write_general(keys, ki, argv, ai, nil) -- unusual or invalid: the general path decides
  end
  local p, tag = doc_call(keys, ki)
  local op, writer = fast_defaults(argv[ai + 1], 'put', argv[ai + 6])
  if not OPS[op] then
    return write_general(keys, ki, argv, ai, nil)
  end
  local key, meta = keys[ki], keys[ki + 1]
  local m = redis.call('HMGET', meta, unpack(META_STATE))
  local ps, wid = m[1], argv[ai + 5]
  local typ = redis.call('TYPE', key)['ok']
  local ifrev = argv[ai + 4]
  if ifrev ~= '' and ifrev ~= ps and ps and m[2] ~= '1' and typ == 'string' and (wid == '' or m[3] ~= wid)
      and #ifrev <= 15 and string.find(ifrev, '^[1-9][0-9]*$') then
    -- A stale compare-and-set of a live document, not a re-send: the general path would refuse
    -- it only after building its context and signing the call. Refused here by the same check,
    -- a losing writer on a hot document costs the server two reads (docs/benchmarks.md).
    check_revision({key = key}, {exists = true, rev = tonumber(ps)}, tonumber(ifrev))
  end
  if not ps or m[2] == '1' or typ ~= 'string' or (ifrev ~= '' and ifrev ~= ps) or (wid ~= '' and m[3] == wid) then
    -- a creation, a tombstone, an expiry to reconcile, a JSON or foreign key, a conflict, a re-send
    return write_general(keys, ki, argv, ai, {st = state_of(m, typ)})
  end
  local feed = keys[ki + 3]
  local pol = server_policy(policy_key(feed))
  local rule = policy_rule(pol, key)
  if rule.n > 0 then
    return write_general(keys, ki, argv, ai, {st = state_of(m, typ), policy = pol})
  end
  local change, src = argv[ai + 3], argv[ai + 12]
  local feedmax_s, jsoncheck = settings(p, tag)
  if jsoncheck then
    check_json(doc, 'document ' .. quote(key))
    if change ~= '' and change ~= doc then
      check_json(change, 'change of ' .. quote(key))
    end
  end
  local sig = nil
  if wid ~= '' then
    sig = write_sig('put', op, doc, change, ifrev, '', writer, 'string', '', '', src)
  end
  local now = now_ms()
  local rev = tonumber(ps) + 1
  local rs = fmt(rev)
  redis.call('SET', key, doc, 'KEEPTTL')
  if rule.pattern then
    redis.call('DEL', keys[ki + 2]) -- a server rule keeping no versions drops what an older one kept
  end
  if change == '' then
    change = doc
  end
  local id = append_change(feed, maxlen(feedmax_s), channel_prefix(feed), key, op, rs, ps, writer, now, change, src)
  if sig then
    redis.call('HSET', meta, 'rev', rs, 'mtime', now, 'writer', writer, 'wid', wid, 'wfid', id, 'wsig', sig)
  else
    redis.call('HSET', meta, 'rev', rs, 'mtime', now, 'writer', writer)
  end
  return {rev, id}
end

local function write_args_error(what, got)
  fail('SS_INVALID', what .. ' expects ' .. #WRITE_ARGS .. ' arguments (' .. table.concat(WRITE_ARGS, ' ')
    .. ')' .. got)
end

-- A write whose write ID has a chain's form PRODUCER:N: set by ss_chain.lua (lone_link), which
-- records it as its producer's last chain.
local lone_link

-- ss_write: KEYS as ss_put. ARGV (12, positional, '' for none): op, doc, change, ifrev, wid,
-- writer, feedmax, mode, ttl, histmax, histage, src. Reply and errors: as ss_put. A write ID
-- PRODUCER:N (a chain's form) makes the write a chain of one link (see ss_chain).
local function write(keys, argv)
  if #keys ~= 5 then
    fail('SS_INVALID', 'expected 5 keys (document, metadata, history, feed, index), got ' .. #keys)
  end
  if #argv ~= #WRITE_ARGS then
    write_args_error('ss_write', ', got ' .. #argv)
  end
  if string.find(argv[5], ':', 1, true) then
    return lone_link(keys, argv)
  end
  return write_at(keys, 1, argv, 0)
end
register('ss_write', write)

-- ss_write_many: KEYS the five keys of ss_write per write. ARGV ss_write's twelve per write.
-- Reply: per write, {revision, feed entry id} or its error reply. Errors: SS_INVALID (counts).
-- Writes one after the other, each atomic and independent: a write that fails (a conflict, a
-- bad argument) is answered with its error in its place and the others still commit. This is
-- the client's group commit: concurrent writers of one process share a call (docs/protocol.md).
local function write_many(keys, argv)
  local n = #keys / 5
  if n < 1 or n ~= math.floor(n) then
    fail('SS_INVALID', 'expected 5 keys (document, metadata, history, feed, index) per write, got ' .. #keys)
  end
  if #argv ~= n * #WRITE_ARGS then
    write_args_error('ss_write_many', ' per write, got ' .. #argv .. ' for ' .. n .. ' writes')
  end
  local replies = {}
  for i = 1, n do
    local ok, r = pcall(write_at, keys, 5 * i - 4, argv, 12 * (i - 1))
    if not ok then
      if type(r) == 'table' then
        r = r.err
      end
      r = redis.error_reply(tostring(r))
    end
    replies[i] = r
  end
  return replies
end
register('ss_write_many', write_many)
