#!lua name=statestore
-- The function library as LIB_VERSION 10 shipped it, kept only so that LayoutUpgradeTest can
-- write a store the way that version did. Not loaded by anything else.
--[[
statestore server-side function library (protocol reference: docs/protocol.md).

Rules every function here follows:
  * Document content passes through Lua as opaque strings. cjson is never used on it:
    it turns [] into {}, rounds numbers to 14 digits and accepts NaN.
  * A write validates everything before its first write command, because Redis does
    not roll back a script that fails half way.
  * Every committed change raises the document's revision by exactly one and appends
    exactly one entry to the feed stream, then PUBLISHes a notification.

Keys of a single-document call, always in this order:
  KEYS[1] document   KEYS[2] metadata hash   KEYS[3] history stream
  KEYS[4] feed stream   KEYS[5] index sorted set
Options are name/value pairs in ARGV, in any order; `--` ends them where steps follow.
Errors are replies whose first word is the error code: SS_CONFLICT, SS_NOTFOUND,
SS_INVALID, SS_PATH, SS_TYPE, SS_STRINGDOC, SS_WRONGTYPE.
]]

local LIB_VERSION = '10'
local JSON_TYPE = 'ReJSON-RL'

local function fail(code, msg)
  error({err = code .. ' ' .. msg})
end

local function fmt(n)
  if n < 1e14 then
    return tostring(n) -- exact for integers below 10^14 (Lua prints 14 significant digits)
  end
  return string.format('%.0f', n)
end

-- Server time in epoch milliseconds, as a string: built from TIME's strings without going
-- through a Lua number, whose formatting is among the costliest steps of a write.
local function now_ms()
  local t = redis.call('TIME')
  local us = t[2]
  if #us == 6 then
    return t[1] .. string.sub(us, 1, 3) -- nine times in ten: no padding to build
  end
  return t[1] .. string.sub(string.rep('0', 6 - #us) .. us, 1, 3)
end

local function quote(s)
  if not string.find(s, '[%c"\\\128-\255]') then
    return '"' .. s .. '"'
  end
  return cjson.encode(s) -- strings only: key names and writer names, never document content
end

local function parse_opts(argv, from, allowed)
  local o = {}
  local i = from
  while i <= #argv do
    local name = argv[i]
    if name == '--' then
      return o, i + 1
    end
    if not allowed[name] then
      fail('SS_INVALID', 'unknown option "' .. name .. '"')
    end
    if argv[i + 1] == nil then
      fail('SS_INVALID', 'option "' .. name .. '" needs a value')
    end
    o[name] = argv[i + 1]
    i = i + 2
  end
  return o, i
end

local function int_opt(o, name, default)
  local v = o[name]
  if v == nil or v == '' then
    return default
  end
  local n = tonumber(v)
  if n == nil or n ~= math.floor(n) or string.find(v, '[^%-%d]') then
    fail('SS_INVALID', 'option "' .. name .. '" must be an integer, got "' .. v .. '"')
  end
  return n
end

local channel_prefixes = {} -- feed key -> channel prefix; the library's state lives across calls

local function channel_prefix(feed)
  local cached = channel_prefixes[feed]
  if cached then
    return cached
  end
  local p = string.match(feed, '^(.*)feed$') or string.match(feed, '^(.*)feed{[^}]+}$')
  if not p then
    fail('SS_INVALID', 'feed key "' .. feed .. '" must be <prefix>feed or <prefix>feed{tag}')
  end
  channel_prefixes[feed] = p .. 'chg:'
  return p .. 'chg:'
end

---------------------------------------------------------------------------------------
-- History policy kept in Redis (LIB_VERSION 6; docs/watch.md). The hash <prefix>histpolicy
-- (next to <prefix>feed; <prefix>histpolicy{tag} next to <prefix>feed{tag}) holds
--   version  changes whenever the policy changes (ss_hpolicy_set writes it)
--   count    the number of rules
--   1..count "MAXVERSIONS MAXAGEMS PATTERN": key glob (* any characters, ? one character),
--            first match wins; keys matching none keep no history.
-- A write without the histmax option follows it. The rules are compiled to Lua patterns once
-- per version and kept in the library's state, so a write costs one HGET for the version
-- plus one string.find per rule tried.
local policy_keys = {} -- feed key -> policy key
local policies = {}    -- policy key -> {version =, rules = {{lua =, n =, ns =, age =}, ...}}
local NO_HISTORY = {n = 0, ns = '0', age = 0}

local function policy_key(feed)
  local cached = policy_keys[feed]
  if cached then
    return cached
  end
  local p, tag = string.match(feed, '^(.*)feed$'), ''
  if not p then
    p, tag = string.match(feed, '^(.*)feed({[^}]+})$')
  end
  if not p then
    fail('SS_INVALID', 'feed key "' .. feed .. '" must be <prefix>feed or <prefix>feed{tag}')
  end
  policy_keys[feed] = p .. 'histpolicy' .. tag
  return policy_keys[feed]
end

-- A key glob as an anchored Lua pattern; ? is one UTF-8 character.
local function glob_pattern(glob)
  local out = {'^'}
  for i = 1, #glob do
    local c = string.sub(glob, i, i)
    if c == '*' then
      out[#out + 1] = '.*'
    elseif c == '?' then
      out[#out + 1] = '[%z\1-\127\194-\244][\128-\191]*'
    elseif string.find(c, '^[%^%$%(%)%%%.%[%]%*%+%-%?]$') then
      out[#out + 1] = '%' .. c
    else
      out[#out + 1] = c
    end
  end
  out[#out + 1] = '$'
  return table.concat(out)
end

local function parse_rule(text)
  local n, age, pat = string.match(text or '', '^(%d+) (%d+) (.+)$')
  if not n then
    return nil
  end
  return {lua = glob_pattern(pat), n = tonumber(n), ns = n, age = tonumber(age), pattern = pat}
end

local function server_policy(pkey)
  local v = redis.call('HGET', pkey, 'version')
  if not v then
    return false
  end
  local c = policies[pkey]
  if c and c.version == v then
    return c
  end
  local raw = redis.call('HGETALL', pkey)
  local h = {}
  for i = 1, #raw, 2 do
    h[raw[i]] = raw[i + 1]
  end
  local rules = {}
  for i = 1, tonumber(h.count) or 0 do
    local r = parse_rule(h[tostring(i)])
    if r then
      rules[#rules + 1] = r
    end
  end
  c = {version = v, rules = rules}
  policies[pkey] = c
  return c
end

-- The first rule of a server policy (false: none set) matching the key.
local function policy_rule(pol, key)
  if pol then
    for _, rule in ipairs(pol.rules) do
      if string.find(key, rule.lua) then
        return rule
      end
    end
  end
  return NO_HISTORY
end

-- The history rule of a document in this call: the explicit histmax/histage options when
-- given, else the first matching rule of the server policy.
local function hist_for(d, ctx)
  if d.rule then
    return d.rule
  end
  local r = ctx.hist
  if not r then
    local pol = ctx.policy
    if pol == nil then
      pol = server_policy(policy_key(ctx.feed))
      ctx.policy = pol
    end
    r = policy_rule(pol, d.key)
  end
  d.rule = r
  return r
end

-- Shared per-call context: who writes, when, and where events go.
local function explicit_hist(o)
  local n = int_opt(o, 'histmax', nil)
  if n == nil then
    return nil -- the server policy applies
  end
  local age = int_opt(o, 'histage', 0)
  if n < 0 or age < 0 then
    fail('SS_INVALID', 'options "histmax" and "histage" must not be negative')
  end
  if n == 0 then
    return NO_HISTORY
  end
  return {n = n, ns = o.histmax, age = age} -- the option's own text: formatting a number costs more
end

local function context(o, feed, index)
  local writer = o.writer
  if writer == nil or writer == '' then
    writer = 'unknown'
  end
  local mode = o.mode or 'string'
  if mode ~= 'string' and mode ~= 'json' then
    fail('SS_INVALID', 'option "mode" must be "string" or "json", got "' .. mode .. '"')
  end
  return {
    writer = writer,
    now = now_ms(),
    feed = feed,
    index = index,
    chan = channel_prefix(feed),
    feedmax = int_opt(o, 'feedmax', 0),
    feedmax_s = o.feedmax,
    hist = explicit_hist(o),
    src = o.src,
    mode = mode,
    wid = (o.wid ~= '' and o.wid) or nil,
  }
end

local function doc_keys(key, meta, hist)
  return {key = key, meta = meta, hist = hist}
end

local META_STATE = {'rev', 'del', 'wid', 'wfid'} -- what a write reads of the metadata hash

-- m: HMGET of META_STATE; typ: the key's TYPE.
local function state_of(m, typ)
  return {rev = tonumber(m[1]) or 0, rev_s = m[1] or '0', tomb = m[2] == '1', typ = typ, exists = typ ~= 'none',
          wid = m[3], wfid = m[4]}
end

local function load_state(d)
  local m = redis.call('HMGET', d.meta, unpack(META_STATE))
  return state_of(m, redis.call('TYPE', d.key)['ok'])
end

-- A write carrying the write ID (option wid) of the document's last committed write is a
-- re-send of that write (its reply was lost): answer what it answered, change nothing.
local function replayed(st, ctx)
  if ctx.wid and st.wid == ctx.wid then
    return {st.rev, st.wfid}
  end
  return nil
end

-- The document's state, as a positional fast path already read it (pre = {st =, policy =}) or
-- read now; the fast path's server policy is reused unless the call names its own history rule.
local function preloaded_state(d, ctx, pre)
  if not pre then
    return load_state(d)
  end
  if ctx.hist == nil then
    ctx.policy = pre.policy
  end
  return pre.st
end

local EXPIRY_WRITER = 'redis-expiry'

-- The XADD of a feed entry with any fields (the general case of append_change).
local function append_fields(feed, feedmax, key, op, rs, ps, writer, now, change, src)
  local f = {'key', key, 'op', op, 'rev', rs, 'prev', ps, 'writer', writer, 'time', now, false, false, false, false}
  local n = 12
  if change ~= nil and change ~= '' then
    f[13], f[14], n = 'change', change, 14
  end
  if src ~= nil and src ~= '' then
    f[n + 1], f[n + 2], n = 'src', src, n + 2
  end
  if feedmax then
    return redis.call('XADD', feed, 'MAXLEN', '~', feedmax, '*', unpack(f, 1, n))
  end
  return redis.call('XADD', feed, '*', unpack(f, 1, n))
end

-- Appends the feed entry of one change and publishes its notification; reply: the entry ID.
-- Positional on purpose: this runs on every write, and table lookups cost Lua VM steps.
-- feedmax: the MAXLEN string, or nil for no trimming. rs, ps: new and previous revision.
local function append_change(feed, feedmax, chan, key, op, rs, ps, writer, now, change, src)
  local id
  if change ~= nil and change ~= '' and (src == nil or src == '') then
    -- the usual entry, sent without building and unpacking a table of its fields
    if feedmax then
      id = redis.call('XADD', feed, 'MAXLEN', '~', feedmax, '*', 'key', key, 'op', op, 'rev', rs, 'prev', ps,
        'writer', writer, 'time', now, 'change', change)
    else
      id = redis.call('XADD', feed, '*', 'key', key, 'op', op, 'rev', rs, 'prev', ps, 'writer', writer, 'time', now,
        'change', change)
    end
  else
    id = append_fields(feed, feedmax, key, op, rs, ps, writer, now, change, src)
  end
  redis.call('PUBLISH', chan .. key,
    '{"key":' .. quote(key) .. ',"op":"' .. op .. '","rev":' .. rs .. ',"prev":' .. ps .. ',"id":"' .. id .. '"}')
  return id
end

local function emit(d, ctx, op, rs, ps, change)
  local writer = ctx.writer
  if op == 'expired' then
    writer = EXPIRY_WRITER
  end
  local feedmax = nil
  if ctx.feedmax > 0 then
    feedmax = ctx.feedmax_s
  end
  return append_change(ctx.feed, feedmax, ctx.chan, d.key, op, rs, ps, writer, ctx.now, change, ctx.src)
end

local function record_history(d, ctx, op, rs, content)
  local rule = hist_for(d, ctx)
  if rule.n <= 0 then
    if rule.pattern then
      redis.call('DEL', d.hist) -- a server rule keeping no versions drops what an older one kept
    end
    return
  end
  local writer = ctx.writer
  if op == 'expired' then
    writer = EXPIRY_WRITER
  end
  local fields = {'rev', rs, 'op', op, 'writer', writer, 'time', ctx.now}
  if content ~= nil then
    fields[#fields + 1] = 'doc'
    fields[#fields + 1] = content
  end
  redis.call('XADD', d.hist, 'MAXLEN', rule.ns, '*', unpack(fields))
  if rule.age > 0 then
    redis.call('XTRIM', d.hist, 'MINID', fmt(tonumber(ctx.now) - rule.age))
  end
end

-- A document whose metadata says it is alive but whose key is gone was expired by Redis.
-- Its tombstone is committed first, so the feed never skips the expiry.
local function reconcile_expiry(d, st, ctx)
  if st.rev > 0 and not st.tomb and not st.exists then
    local ps = st.rev_s
    st.rev = st.rev + 1
    st.rev_s = fmt(st.rev)
    st.tomb = true
    redis.call('HSET', d.meta, 'rev', st.rev_s, 'del', '1', 'mtime', ctx.now, 'writer', EXPIRY_WRITER)
    redis.call('ZREM', ctx.index, d.key)
    record_history(d, ctx, 'expired', st.rev_s, nil)
    emit(d, ctx, 'expired', st.rev_s, ps, nil)
    return true
  end
  return false
end

local function check_revision(d, st, ifrev)
  if ifrev == nil then
    return
  end
  local current = 0
  if st.exists then
    current = st.rev
  end
  if ifrev == 0 and st.exists then
    fail('SS_CONFLICT', quote(d.key) .. ' expected absent, current revision ' .. fmt(st.rev))
  end
  if ifrev ~= 0 and current ~= ifrev then
    if not st.exists then
      fail('SS_CONFLICT', quote(d.key) .. ' expected revision ' .. fmt(ifrev) .. ', document does not exist')
    end
    fail('SS_CONFLICT', quote(d.key) .. ' expected revision ' .. fmt(ifrev) .. ', current revision ' .. fmt(current))
  end
end

local function check_writable_type(d, st)
  if st.exists and st.typ ~= 'string' and st.typ ~= JSON_TYPE then
    fail('SS_WRONGTYPE', quote(d.key) .. ' holds a Redis ' .. st.typ .. ', not a document')
  end
end

local function validate_ttl(ttl)
  if ttl ~= nil and ttl < 0 then
    fail('SS_INVALID', 'ttl must be 0 (none) or a positive number of milliseconds')
  end
end

local function apply_ttl(d, ttl)
  if ttl == nil then
    return
  end
  if ttl == 0 then
    redis.call('PERSIST', d.key)
  else
    redis.call('PEXPIRE', d.key, ttl)
  end
end

local function commit(d, st, ctx, op, change, deleted, content)
  local rev = st.rev + 1
  local rs = fmt(rev)
  record_history(d, ctx, op, rs, content)
  local id = emit(d, ctx, op, rs, st.rev_s, change)
  local f
  if deleted then
    f = {'rev', rs, 'del', '1', 'mtime', ctx.now, 'writer', ctx.writer}
    redis.call('ZREM', ctx.index, d.key)
  elseif st.exists then
    f = {'rev', rs, 'mtime', ctx.now, 'writer', ctx.writer}
  else
    f = {'rev', rs, 'del', '0', 'ctime', ctx.now, 'mtime', ctx.now, 'writer', ctx.writer}
    redis.call('ZADD', ctx.index, 0, d.key)
  end
  if ctx.wid then
    f[#f + 1] = 'wid'
    f[#f + 1] = ctx.wid
    f[#f + 1] = 'wfid'
    f[#f + 1] = id
  end
  redis.call('HSET', d.meta, unpack(f))
  return {rev, id}
end

-- Writes a whole document, keeping the key's own type (string or JSON) when it exists.
local function store_whole(d, st, ctx, value, ttl)
  local as_json = st.typ == JSON_TYPE or (not st.exists and ctx.mode == 'json')
  if as_json then
    local keep = -1
    if ttl == nil and st.exists then
      keep = redis.call('PTTL', d.key)
    end
    redis.call('JSON.SET', d.key, '$', value)
    if keep > 0 then
      redis.call('PEXPIRE', d.key, keep)
    end
  elseif ttl ~= nil and ttl > 0 then
    redis.call('SET', d.key, value, 'PX', ttl)
    return
  else
    redis.call('SET', d.key, value, 'KEEPTTL')
  end
  apply_ttl(d, ttl)
end

local function current_content(d)
  local typ = redis.call('TYPE', d.key)['ok']
  if typ == JSON_TYPE then
    return redis.call('JSON.GET', d.key)
  end
  return redis.call('GET', d.key)
end

---------------------------------------------------------------------------------------
-- Whole-document writes, shared by ss_put, ss_del, ss_ttl and ss_tx.
-- spec: {op=, ifrev=, ttl=, value=, change=}; op is put|create|del|ttl or a client op name
-- for a whole-document write computed by the client (merge, set, incr, ... in portable mode).
local function validate_whole(d, st, spec)
  check_writable_type(d, st)
  check_revision(d, st, spec.ifrev)
  validate_ttl(spec.ttl)
  if spec.kind == 'del' or spec.kind == 'ttl' then
    if not st.exists then
      fail('SS_NOTFOUND', quote(d.key) .. ' does not exist')
    end
  elseif spec.value == nil or spec.value == '' then
    fail('SS_INVALID', quote(d.key) .. ': option "doc" (the document JSON) is required')
  end
end

local function apply_whole(d, st, ctx, spec)
  if spec.kind == 'del' then
    redis.call('DEL', d.key)
    return commit(d, st, ctx, spec.op, spec.change, true, nil)
  end
  if spec.kind == 'ttl' then
    apply_ttl(d, spec.ttl)
    return commit(d, st, ctx, spec.op, spec.change, false, nil)
  end
  store_whole(d, st, ctx, spec.value, spec.ttl)
  local change = spec.change
  if change == nil or change == '' then
    change = spec.value
  end
  return commit(d, st, ctx, spec.op, change, false, spec.value)
end

local WRITE_OPTS = {writer = true, ifrev = true, ttl = true, doc = true, op = true, change = true,
                    mode = true, feedmax = true, histmax = true, histage = true, src = true, wid = true}

local function single_doc(keys)
  if #keys ~= 5 then
    fail('SS_INVALID', 'expected 5 keys (document, metadata, history, feed, index), got ' .. #keys)
  end
  return doc_keys(keys[1], keys[2], keys[3])
end

-- o: the options; pre (optional): what ss_write's fast path already read ({st =, policy =}).
local function whole_write_opts(keys, o, kind, default_op, pre)
  local d = single_doc(keys)
  local ctx = context(o, keys[4], keys[5])
  local spec = {kind = kind, op = o.op or default_op, ifrev = int_opt(o, 'ifrev', nil),
                ttl = int_opt(o, 'ttl', nil), value = o.doc, change = o.change}
  if kind == 'ttl' and spec.ttl == nil then
    fail('SS_INVALID', 'option "ttl" is required (0 removes the expiry)')
  end
  local st = preloaded_state(d, ctx, pre)
  local again = replayed(st, ctx)
  if again then
    return again
  end
  reconcile_expiry(d, st, ctx)
  validate_whole(d, st, spec)
  return apply_whole(d, st, ctx, spec)
end

local function whole_write(keys, argv, kind, default_op)
  return whole_write_opts(keys, parse_opts(argv, 1, WRITE_OPTS), kind, default_op, nil)
end

---------------------------------------------------------------------------------------
-- ss_write: ss_put with positional arguments, the form the Java client sends on every put.
-- The common update (an existing string document, no ttl, no explicit history option) takes a
-- fast path that keeps everything in locals: on Redis's Lua 5.1 every table, option lookup and
-- string built costs VM steps, and the general path spends more on them than on its Redis
-- commands. Anything else goes to the general path with what was already read, so both paths
-- validate, write, emit and record history the same way (docs/protocol.md).
local WRITE_ARGS = {'op', 'doc', 'change', 'ifrev', 'wid', 'writer', 'feedmax', 'mode', 'ttl', 'histmax',
                    'histage', 'src'}

-- What '' means in the positional forms (ss_write, ss_jwrite): the function's default op name,
-- writer "unknown", and no feed trimming ('' or '0').
local function fast_defaults(op, default_op, writer, feedmax)
  if op == '' then
    op = default_op
  end
  if writer == '' then
    writer = 'unknown'
  end
  if feedmax == '0' or feedmax == '' then
    feedmax = nil
  end
  return op, writer, feedmax
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
  local doc, feedmax = argv[ai + 2], argv[ai + 7]
  if doc == '' or argv[ai + 8] ~= 'string' or argv[ai + 9] ~= '' or argv[ai + 10] ~= ''
      or (feedmax ~= '' and not string.find(feedmax, '^%d+$')) then
    return write_general(keys, ki, argv, ai, nil) -- unusual or invalid: the general path decides
  end
  local key, meta = keys[ki], keys[ki + 1]
  local m = redis.call('HMGET', meta, unpack(META_STATE))
  local ps, wid = m[1], argv[ai + 5]
  if wid ~= '' and m[3] == wid then
    return {tonumber(ps), m[4]} -- a re-send of the last committed write
  end
  local typ = redis.call('TYPE', key)['ok']
  local ifrev = argv[ai + 4]
  if not ps or m[2] == '1' or typ ~= 'string' or (ifrev ~= '' and ifrev ~= ps) then
    -- a creation, a tombstone, an expiry to reconcile, a JSON or foreign key, a conflict
    return write_general(keys, ki, argv, ai, {st = state_of(m, typ)})
  end
  local feed = keys[ki + 3]
  local pol = server_policy(policy_key(feed))
  local rule = policy_rule(pol, key)
  if rule.n > 0 then
    return write_general(keys, ki, argv, ai, {st = state_of(m, typ), policy = pol})
  end
  local op, change, writer, src = argv[ai + 1], argv[ai + 3], argv[ai + 6], argv[ai + 12]
  op, writer, feedmax = fast_defaults(op, 'put', writer, feedmax)
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
  local id = append_change(feed, feedmax, channel_prefix(feed), key, op, rs, ps, writer, now, change, src)
  if wid ~= '' then
    redis.call('HSET', meta, 'rev', rs, 'mtime', now, 'writer', writer, 'wid', wid, 'wfid', id)
  else
    redis.call('HSET', meta, 'rev', rs, 'mtime', now, 'writer', writer)
  end
  return {rev, id}
end

local function write_args_error(what, got)
  fail('SS_INVALID', what .. ' expects ' .. #WRITE_ARGS .. ' arguments (' .. table.concat(WRITE_ARGS, ' ')
    .. ')' .. got)
end

local function write(keys, argv)
  if #keys ~= 5 then
    fail('SS_INVALID', 'expected 5 keys (document, metadata, history, feed, index), got ' .. #keys)
  end
  if #argv ~= #WRITE_ARGS then
    write_args_error('ss_write', ', got ' .. #argv)
  end
  return write_at(keys, 1, argv, 0)
end

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

---------------------------------------------------------------------------------------
-- In-place JSON steps (module mode). Steps follow `--` in ARGV:
--   root JSON                  replace the whole document
--   obj PATH PARENT            make PATH an object unless it is one (parent must be an object)
--   set PATH PARENT SLOT JSON  set a member (SLOT "m") or an existing array element (SLOT = index)
--   del PATH                   remove PATH if present (merge semantics)
--   rm PATH                    remove PATH, which must exist
--   incr PATH NUMBER           add to the number at PATH; reply carries the new value
--   append PATH MAX JSON       append to the array at PATH, keeping at most MAX (0 = no limit)
local STEP_ARITY = {root = 1, obj = 2, set = 4, del = 1, rm = 1, incr = 2, append = 3}

-- JSON.TYPE with a $-path replies with a list of status replies: {{ok='object'}}, or {} when
-- the path does not exist.
local function json_type(key, path)
  local r = redis.call('JSON.TYPE', key, path)
  if type(r) == 'table' and r.ok == nil then
    r = r[1]
  end
  if type(r) == 'table' then
    r = r.ok
  end
  if r == nil or r == false then
    return nil
  end
  return r
end

local function parse_steps(argv, from)
  local steps = {}
  local i = from
  while i <= #argv do
    local name = argv[i]
    local n = STEP_ARITY[name]
    if n == nil then
      fail('SS_INVALID', 'unknown step "' .. tostring(name) .. '"')
    end
    if i + n > #argv then
      fail('SS_INVALID', 'step "' .. name .. '" needs ' .. n .. ' arguments')
    end
    local s = {name = name}
    for j = 1, n do
      s[j] = argv[i + j]
    end
    steps[#steps + 1] = s
    i = i + n + 1
  end
  if #steps == 0 then
    fail('SS_INVALID', 'no steps given after "--"')
  end
  return steps
end

-- Checks every step against the document as it stands, remembering which paths earlier
-- steps of this call turn into objects, so a merge's steps validate as a whole.
local function validate_steps(d, st, steps)
  local made = {}
  local function is_object(path)
    if made[path] then
      return true
    end
    return st.exists and json_type(d.key, path) == 'object'
  end
  for _, s in ipairs(steps) do
    local n = s.name
    if n == 'root' then
      made = {}
    elseif n == 'obj' then
      if s[1] ~= '$' and not is_object(s[2]) then
        fail('SS_PATH', quote(d.key) .. ': parent of ' .. s[1] .. ' is not an object')
      end
      made[s[1]] = true
    elseif n == 'set' then
      if s[3] == 'm' then
        if not is_object(s[2]) then
          fail('SS_PATH', quote(d.key) .. ': ' .. s[2] .. ' does not exist or is not an object')
        end
      else
        local t = st.exists and json_type(d.key, s[2])
        if t ~= 'array' then
          fail('SS_PATH', quote(d.key) .. ': ' .. s[2] .. ' does not exist or is not an array')
        end
        local len = redis.call('JSON.ARRLEN', d.key, s[2])
        if type(len) == 'table' then
          len = len[1]
        end
        if tonumber(s[3]) >= len then
          fail('SS_PATH', quote(d.key) .. ': index ' .. s[3] .. ' is out of range for ' .. s[2] ..
            ' (length ' .. len .. ')')
        end
      end
      made[s[1]] = nil
    elseif n == 'rm' then
      if not st.exists or json_type(d.key, s[1]) == nil then
        fail('SS_PATH', quote(d.key) .. ': ' .. s[1] .. ' does not exist')
      end
    elseif n == 'incr' then
      if not string.match(s[2], '^%-?%d+%.?%d*[eE]?[%+%-]?%d*$') then
        fail('SS_INVALID', 'increment "' .. s[2] .. '" is not a number')
      end
      local t = st.exists and json_type(d.key, s[1])
      if t ~= 'integer' and t ~= 'number' then
        if not t then
          fail('SS_PATH', quote(d.key) .. ': ' .. s[1] .. ' does not exist')
        end
        fail('SS_TYPE', quote(d.key) .. ': ' .. s[1] .. ' is ' .. t .. ', not a number')
      end
    elseif n == 'append' then
      if not string.match(s[2], '^%d+$') then
        fail('SS_INVALID', 'maximum length "' .. s[2] .. '" is not a non-negative integer')
      end
      local t = st.exists and json_type(d.key, s[1])
      if t ~= 'array' then
        if not t then
          fail('SS_PATH', quote(d.key) .. ': ' .. s[1] .. ' does not exist')
        end
        fail('SS_TYPE', quote(d.key) .. ': ' .. s[1] .. ' is ' .. t .. ', not an array')
      end
    end
  end
end

local function apply_steps(d, st, steps)
  local keep = -1
  if st.exists then
    keep = redis.call('PTTL', d.key)
  end
  local result = nil
  for _, s in ipairs(steps) do
    local n = s.name
    if n == 'root' then
      redis.call('JSON.SET', d.key, '$', s[1])
    elseif n == 'obj' then
      local exists = redis.call('EXISTS', d.key) == 1
      if not exists or json_type(d.key, s[1]) ~= 'object' then
        redis.call('JSON.SET', d.key, s[1], '{}')
      end
    elseif n == 'set' then
      redis.call('JSON.SET', d.key, s[1], s[4])
    elseif n == 'del' or n == 'rm' then
      redis.call('JSON.DEL', d.key, s[1])
    elseif n == 'incr' then
      result = redis.call('JSON.NUMINCRBY', d.key, s[1], s[2])
    elseif n == 'append' then
      local len = redis.call('JSON.ARRAPPEND', d.key, s[1], s[3])
      if type(len) == 'table' then
        len = len[1]
      end
      local max = tonumber(s[2])
      if max > 0 and len > max then
        -- ARRTRIM does not count negative indexes from the end on every module: be explicit.
        redis.call('JSON.ARRTRIM', d.key, s[1], len - max, len - 1)
      end
    end
  end
  if keep > 0 and redis.call('PTTL', d.key) < 0 then
    redis.call('PEXPIRE', d.key, keep)
  end
  return result
end

local STEP_OPTS = {writer = true, ifrev = true, op = true, change = true, mode = true,
                   feedmax = true, histmax = true, histage = true, src = true, wid = true}

-- d: the document's keys; o: the options; from: the first step in argv; pre (optional): what
-- ss_jwrite's fast path already read ({st =, policy =}).
local function json_steps_opts(d, keys, o, argv, from, pre)
  local ctx = context(o, keys[4], keys[5])
  local steps = parse_steps(argv, from)
  local st = preloaded_state(d, ctx, pre)
  local again = replayed(st, ctx)
  if again then
    return again
  end
  reconcile_expiry(d, st, ctx)
  check_writable_type(d, st)
  if st.typ == 'string' then
    fail('SS_STRINGDOC', quote(d.key) .. ' is stored as a JSON string; update it as a whole document')
  end
  check_revision(d, st, int_opt(o, 'ifrev', nil))
  local creates = steps[1].name == 'root' or (steps[1].name == 'obj' and steps[1][1] == '$')
  if not st.exists and not creates then
    fail('SS_NOTFOUND', quote(d.key) .. ' does not exist')
  end
  validate_steps(d, st, steps)
  local value = apply_steps(d, st, steps)
  local content = nil
  if hist_for(d, ctx).n > 0 then
    content = redis.call('JSON.GET', d.key)
  end
  local reply = commit(d, st, ctx, o.op or 'patch', o.change, false, content)
  if value ~= nil then
    if type(value) == 'table' then
      value = value[1]
    end
    reply[3] = value
  end
  return reply
end

local function json_steps(keys, argv)
  local d = single_doc(keys)
  local o, next_arg = parse_opts(argv, 1, STEP_OPTS)
  return json_steps_opts(d, keys, o, argv, next_arg, nil)
end

---------------------------------------------------------------------------------------
-- ss_jwrite: ss_jop with positional arguments, the form the Java client sends (LIB_VERSION 10).
-- ARGV: the ten of JWRITE_ARGS ('' = not given), then the steps (no "--").
-- As with ss_write, the common update (an existing JSON document, no explicit history option,
-- the server policy keeping no versions of the key, steps among obj/set of a member/del/rm/incr/
-- append on paths below the root) takes a fast path that keeps everything in locals and sends
-- no command whose answer it already knows (EXISTS per obj step, PTTL before and after: only a
-- root replacement drops a TTL). Anything else, including every error, goes to the general
-- path with what was already read, so state and errors are those of ss_jop (docs/protocol.md).
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

-- Applies validated fast-path steps; reply: the last increment's result (nil: none).
local function fast_apply(key, argv, na)
  local keep = nil -- the TTL before a root replacement (obj $ on a non-object root)
  local result = nil
  local i = NJ + 1
  while i <= na do
    local name, p = argv[i], argv[i + 1]
    if name == 'set' then
      redis.call('JSON.SET', key, p, argv[i + 4])
      i = i + 5
    elseif name == 'obj' then
      if json_type(key, p) ~= 'object' then
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

local function jwrite(keys, argv)
  if #keys ~= 5 then
    fail('SS_INVALID', 'expected 5 keys (document, metadata, history, feed, index), got ' .. #keys)
  end
  local na = #argv
  if na < NJ then
    fail('SS_INVALID', 'ss_jwrite expects ' .. NJ .. ' arguments (' .. table.concat(JWRITE_ARGS, ' ')
      .. ') and then the steps, got ' .. na .. ' arguments')
  end
  local feedmax, mode = argv[6], argv[7]
  if argv[8] ~= '' or argv[9] ~= '' or (feedmax ~= '' and not string.find(feedmax, '^%d+$'))
      or (mode ~= 'json' and mode ~= 'string' and mode ~= '') or na == NJ or not fast_steps(argv, na) then
    return jwrite_general(keys, argv, nil) -- unusual or invalid: the general path decides
  end
  local key, meta, feed = keys[1], keys[2], keys[4]
  local chan = channel_prefix(feed) -- refuses a malformed feed key first, as the general path does
  local m = redis.call('HMGET', meta, 'rev', 'del', 'wid', 'wfid') -- META_STATE
  local ps, wid = m[1], argv[4]
  if wid ~= '' and m[3] == wid then
    return {tonumber(ps), m[4]} -- a re-send of the last committed write
  end
  local typ = redis.call('TYPE', key)['ok']
  local ifrev = argv[3]
  if not ps or m[2] == '1' or typ ~= JSON_TYPE or (ifrev ~= '' and ifrev ~= ps) then
    -- a creation, a tombstone, an expiry to reconcile, a string or foreign key, a conflict
    return jwrite_general(keys, argv, {st = state_of(m, typ)})
  end
  local pol = server_policy(policy_key(feed))
  local rule = policy_rule(pol, key)
  if rule.n > 0 or not fast_valid(key, argv, na) then
    return jwrite_general(keys, argv, {st = state_of(m, typ), policy = pol})
  end
  local result = fast_apply(key, argv, na)
  local op, change, writer, src = argv[1], argv[2], argv[5], argv[10]
  op, writer, feedmax = fast_defaults(op, 'patch', writer, feedmax)
  local now = now_ms()
  local rev = tonumber(ps) + 1
  local rs = fmt(rev)
  if rule.pattern then
    redis.call('DEL', keys[3]) -- a server rule keeping no versions drops what an older one kept
  end
  local id = append_change(feed, feedmax, chan, key, op, rs, ps, writer, now, change, src)
  if wid ~= '' then
    redis.call('HSET', meta, 'rev', rs, 'mtime', now, 'writer', writer, 'wid', wid, 'wfid', id)
  else
    redis.call('HSET', meta, 'rev', rs, 'mtime', now, 'writer', writer)
  end
  if result ~= nil then
    if type(result) == 'table' then
      result = result[1]
    end
    return {rev, id, result}
  end
  return {rev, id}
end

---------------------------------------------------------------------------------------
-- Multi-document transaction. KEYS: feed, index, then (document, metadata, history) per
-- document. ARGV: options, `--`, then five entries per document:
--   OP IFREV TTL VALUE CHANGE   with OP put|del, and '' for "not given".
local TX_OPTS = {writer = true, mode = true, feedmax = true, histmax = true, histage = true, src = true}

local function transaction(keys, argv)
  if #keys < 5 or (#keys - 2) % 3 ~= 0 then
    fail('SS_INVALID', 'expected feed, index and three keys per document, got ' .. #keys .. ' keys')
  end
  local o, next_arg = parse_opts(argv, 1, TX_OPTS)
  local ctx = context(o, keys[1], keys[2])
  local count = (#keys - 2) / 3
  if #argv - next_arg + 1 ~= count * 5 then
    fail('SS_INVALID', 'expected 5 arguments per document after "--" for ' .. count .. ' documents')
  end
  local docs = {}
  for i = 1, count do
    local d = doc_keys(keys[3 * i], keys[3 * i + 1], keys[3 * i + 2])
    local a = next_arg + (i - 1) * 5
    local kind = argv[a]
    if kind ~= 'put' and kind ~= 'del' then
      fail('SS_INVALID', 'transaction operation must be put or del, got "' .. kind .. '"')
    end
    local spec = {kind = kind, op = kind, ifrev = int_opt({v = argv[a + 1]}, 'v', nil),
                  ttl = int_opt({v = argv[a + 2]}, 'v', nil), value = argv[a + 3], change = argv[a + 4]}
    docs[i] = {d = d, spec = spec}
  end
  for _, e in ipairs(docs) do
    e.st = load_state(e.d)
    reconcile_expiry(e.d, e.st, ctx)
  end
  for _, e in ipairs(docs) do
    validate_whole(e.d, e.st, e.spec)
  end
  local replies = {}
  for i, e in ipairs(docs) do
    replies[i] = apply_whole(e.d, e.st, ctx, e.spec)
  end
  return replies
end

---------------------------------------------------------------------------------------
-- Reads.

-- Reply: {value or nil, revision, created ms, updated ms, writer, pttl ms, storage type}
local function read_one(key, meta)
  local typ = redis.call('TYPE', key)['ok']
  local m = redis.call('HMGET', meta, 'rev', 'ctime', 'mtime', 'writer')
  local value = false
  if typ == 'string' then
    value = redis.call('GET', key)
  elseif typ == JSON_TYPE then
    value = redis.call('JSON.GET', key)
  elseif typ ~= 'none' then
    fail('SS_WRONGTYPE', quote(key) .. ' holds a Redis ' .. typ .. ', not a document')
  end
  local pttl = -2
  if typ ~= 'none' then
    pttl = redis.call('PTTL', key)
  end
  return {value, tonumber(m[1]) or 0, m[2] or '', m[3] or '', m[4] or '', pttl, typ}
end

local function get_many(keys)
  if #keys % 2 ~= 0 or #keys == 0 then
    fail('SS_INVALID', 'expected (document, metadata) key pairs, got ' .. #keys .. ' keys')
  end
  local out = {}
  for i = 1, #keys, 2 do
    out[#out + 1] = read_one(keys[i], keys[i + 1])
  end
  return out
end

-- KEYS: index. ARGV: prefix, after (exclusive, '' to start at the prefix), limit.
-- Reply: {cursor, key...}; cursor is '' when the listing is complete.
local function list_keys(keys, argv)
  local prefix = argv[1] or ''
  local after = argv[2] or ''
  local limit = tonumber(argv[3] or '1000')
  local low = '[' .. prefix
  if after ~= '' then
    low = '(' .. after
  end
  local high = '+'
  if prefix ~= '' then
    high = '[' .. prefix .. '\255'
  end
  local members = redis.call('ZRANGEBYLEX', keys[1], low, high, 'LIMIT', 0, limit)
  local out = {''}
  for _, k in ipairs(members) do
    if redis.call('EXISTS', k) == 1 then
      out[#out + 1] = k
    end
  end
  if #members == limit then
    out[1] = members[#members]
  end
  return out
end

---------------------------------------------------------------------------------------
-- Errors raised with fail() become plain error replies ("SS_CONFLICT ..."), without the
-- script location Redis appends to errors that escape a function.
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

-- Commits the tombstone of a document Redis expired on its own; reply 1 if one was written.
local function reap(keys, argv)
  local d = single_doc(keys)
  local o = parse_opts(argv, 1, {writer = true, feedmax = true, histmax = true, histage = true})
  local ctx = context(o, keys[4], keys[5])
  local st = load_state(d)
  if reconcile_expiry(d, st, ctx) then
    return 1
  end
  return 0
end

---------------------------------------------------------------------------------------
-- Watch and history reads (LIB_VERSION 2). All no-writes.

-- Compares two stream IDs ("ms-seq"); -1, 0 or 1.
local function cmp_id(a, b)
  local am, as = string.match(a, '^(%d+)%-?(%d*)$')
  local bm, bs = string.match(b, '^(%d+)%-?(%d*)$')
  if am == nil or bm == nil then
    fail('SS_INVALID', 'invalid stream ID "' .. tostring(a) .. '" or "' .. tostring(b) .. '"')
  end
  am, bm = tonumber(am), tonumber(bm)
  as, bs = tonumber(as) or 0, tonumber(bs) or 0
  if am ~= bm then
    return am < bm and -1 or 1
  end
  if as ~= bs then
    return as < bs and -1 or 1
  end
  return 0
end

-- XINFO STREAM as a table (RESP2 replies are flat name/value lists).
local function stream_info(key)
  local raw = redis.call('XINFO', 'STREAM', key)
  local info = {}
  for i = 1, #raw, 2 do
    info[raw[i]] = raw[i + 1]
  end
  return info
end

local function feed_position(feed)
  if redis.call('EXISTS', feed) == 0 then
    return '0-0'
  end
  return stream_info(feed)['last-generated-id']
end

-- The metadata key of a document, as KeyLayout.meta() names it, for keys found in the index.
local function meta_key(feed, key)
  local prefix = string.match(feed, '^(.*)feed$') or string.match(feed, '^(.*)feed{[^}]+}$')
  local open = string.find(key, '{', 1, true)
  if open then
    local close = string.find(key, '}', open + 1, true)
    if close and close > open + 1 then
      return prefix .. 'm:' .. key
    end
  end
  return prefix .. 'm:{' .. key .. '}'
end

-- ss_snapshot: documents and the feed position they correspond to, read in one call.
-- KEYS: feed, index, then optionally (document, metadata) pairs.
-- ARGV with document keys: none. Without: prefix, after (exclusive, '' to start), limit.
-- Reply: {position, cursor, {key, ss_get reply}, ...}; absent documents are left out; cursor
-- is '' when the page completes the prefix. The position is the feed's last generated ID.
local function snapshot(keys, argv)
  if #keys < 2 or #keys % 2 ~= 0 then
    fail('SS_INVALID', 'expected feed, index and (document, metadata) pairs, got ' .. #keys .. ' keys')
  end
  local out = {feed_position(keys[1]), ''}
  if #keys > 2 then
    for i = 3, #keys, 2 do
      local r = read_one(keys[i], keys[i + 1])
      if r[1] then
        out[#out + 1] = {keys[i], r}
      end
    end
    return out
  end
  local page = list_keys({keys[2]}, argv)
  out[2] = page[1]
  for i = 2, #page do
    local k = page[i]
    local r = read_one(k, meta_key(keys[1], k))
    if r[1] then
      out[#out + 1] = {k, r}
    end
  end
  return out
end

-- ss_read: feed entries after a position, with a check that none after it was trimmed away.
-- KEYS: feed. ARGV: after (an entry ID; '0-0' for the beginning), count.
-- Reply: {status, last generated ID, entries}; status 'ok', 'trimmed' (entries after the
-- position were removed: resync) or 'behind' (the position is later than anything the feed
-- holds: the feed lost entries, e.g. Redis restarted without them). Entries as XRANGE replies.
local function feed_read(keys, argv)
  local feed = keys[1]
  local after = argv[1] or '0-0'
  local count = tonumber(argv[2] or '1000')
  if redis.call('EXISTS', feed) == 0 then
    if cmp_id(after, '0-0') == 0 then
      return {'ok', '0-0', {}}
    end
    return {'behind', '0-0', {}}
  end
  local info = stream_info(feed)
  local last = info['last-generated-id']
  local c = cmp_id(after, last)
  if c > 0 then
    return {'behind', last, {}}
  end
  if c == 0 then
    return {'ok', last, {}}
  end
  if cmp_id(info['max-deleted-entry-id'], after) > 0 then
    return {'trimmed', last, {}}
  end
  if tonumber(info['entries-added']) > tonumber(info['length']) then
    -- Something was trimmed from the head. The position is safe if it is not older than the
    -- oldest kept entry, or if its own entry is still there.
    local first = info['first-entry']
    local safe = first and type(first) == 'table' and first[1] and cmp_id(after, first[1]) >= 0
    if not safe and #redis.call('XRANGE', feed, after, after) == 0 then
      return {'trimmed', last, {}}
    end
  end
  return {'ok', last, redis.call('XRANGE', feed, '(' .. after, '+', 'COUNT', count)}
end

-- ss_history: the kept versions of a document, oldest first, or the one of a revision.
-- KEYS: history stream. ARGV: maximum age in ms (0 = any age)[, revision (0 = all)].
-- Reply: XRANGE entries (id, {rev, op, writer, time[, doc]}) no older than the maximum age;
-- with a revision, at most the one entry recording it (searched from the newest).
local function history_read(keys, argv)
  local maxage = tonumber(argv[1] or '0') or 0
  local want = tonumber(argv[2] or '0') or 0
  local low = '-'
  if maxage > 0 then
    low = fmt(now_ms() - maxage)
  end
  if want <= 0 then
    return redis.call('XRANGE', keys[1], low, '+')
  end
  local high = '+'
  while true do
    local page = redis.call('XREVRANGE', keys[1], high, low, 'COUNT', 16)
    if #page == 0 then
      return {}
    end
    for _, e in ipairs(page) do
      local f = e[2]
      for i = 1, #f, 2 do
        if f[i] == 'rev' then
          local r = tonumber(f[i + 1])
          if r == want then
            return {e}
          elseif r < want then
            return {}
          end
        end
      end
    end
    high = '(' .. page[#page][1]
  end
end

---------------------------------------------------------------------------------------
-- History policy (LIB_VERSION 6).

-- ss_hpolicy_set: replaces the policy atomically. KEYS policy hash. ARGV: [ifversion VERSION]
-- then PATTERN MAXVERSIONS MAXAGEMS per rule, first match wins (none: no server policy, keys
-- keep no history unless the writer passes histmax). With ifversion (LIB_VERSION 9) the rules
-- are replaced only if the policy's version is still VERSION ('' = never set), so a
-- read-modify-write of one rule cannot undo a concurrent change; the option is told apart from
-- a rule by the argument count. Reply: the new version. Errors: SS_CONFLICT (another version),
-- SS_INVALID.
local function policy_set(keys, argv)
  if #keys ~= 1 then
    fail('SS_INVALID', 'expected 1 key (the policy hash), got ' .. #keys)
  end
  local first = 1
  if #argv % 3 == 2 and argv[1] == 'ifversion' then
    first = 3
    local current = redis.call('HGET', keys[1], 'version') or ''
    if current ~= argv[2] then
      fail('SS_CONFLICT', 'history policy changed meanwhile: expected version "' .. argv[2]
        .. '", current "' .. current .. '"')
    end
  elseif #argv % 3 ~= 0 then
    fail('SS_INVALID', 'expected [ifversion VERSION] and PATTERN MAXVERSIONS MAXAGEMS per rule, got '
      .. #argv .. ' arguments')
  end
  local fields = {}
  for i = first, #argv, 3 do
    local pat, n, age = argv[i], argv[i + 1], argv[i + 2]
    if pat == '' or string.find(pat, '%c') then
      fail('SS_INVALID', 'history policy pattern must be non-empty without control characters')
    end
    if not string.match(n, '^%d+$') or not string.match(age, '^%d+$') then
      fail('SS_INVALID', 'history policy "' .. pat .. '": versions and age must be non-negative integers')
    end
    fields[#fields + 1] = fmt((i - first) / 3 + 1)
    fields[#fields + 1] = n .. ' ' .. age .. ' ' .. pat
  end
  local key = keys[1]
  local seq = tonumber(string.match(redis.call('HGET', key, 'version') or '', '^(%d+)')) or 0
  -- The time makes versions unique even when the hash was deleted (FLUSHALL) and set again.
  local version = fmt(seq + 1) .. '-' .. now_ms()
  redis.call('DEL', key)
  redis.call('HSET', key, 'version', version, 'count', fmt((#argv - first + 1) / 3), unpack(fields))
  return version
end

-- ss_hpolicy_get: KEYS policy hash. ARGV none. Reply: {version ('' when never set),
-- {pattern, maxversions, maxagems}, ...} in match order. Errors: SS_INVALID.
local function policy_get(keys)
  if #keys ~= 1 then
    fail('SS_INVALID', 'expected 1 key (the policy hash), got ' .. #keys)
  end
  local pol = server_policy(keys[1])
  if not pol then
    return {''}
  end
  local out = {pol.version}
  for _, r in ipairs(pol.rules) do
    out[#out + 1] = {r.pattern, r.ns, fmt(r.age)}
  end
  return out
end

register('ss_hpolicy_set', policy_set)
register('ss_hpolicy_get', policy_get, {'no-writes'})

-- ss_version: KEYS none. ARGV none. Reply: the library version (string). Errors: none.
register('ss_version', function() return LIB_VERSION end, {'no-writes'})

-- ss_get: KEYS document, metadata. ARGV none.
-- Reply: {content or nil, revision, created ms, updated ms, writer, pttl ms, Redis type}.
-- Errors: SS_WRONGTYPE (the key holds a hash, list, ...), SS_INVALID (wrong key count).
register('ss_get', function(keys) return get_many(keys)[1] end, {'no-writes'})

-- ss_mget: KEYS (document, metadata) pairs. ARGV none. Reply: one ss_get reply per pair.
-- Errors: as ss_get.
register('ss_mget', function(keys) return get_many(keys) end, {'no-writes'})

-- ss_list: KEYS index. ARGV prefix, after (exclusive; '' to start), limit.
-- Reply: {cursor ('' when done), key...}: existing documents only. Errors: none.
register('ss_list', list_keys, {'no-writes'})

-- ss_put: KEYS document, metadata, history, feed, index. ARGV options: doc (required), ifrev,
-- ttl, writer, op, change, mode, feedmax, histmax, src. Reply: {revision, feed entry id}.
-- Errors: SS_CONFLICT (ifrev), SS_WRONGTYPE, SS_INVALID (options); the module's own error if
-- JSON.SET refuses the document (before anything is written).
register('ss_put', function(keys, argv) return whole_write(keys, argv, 'put', 'put') end)

-- ss_del: KEYS as ss_put. ARGV options: ifrev, writer, op, feedmax, histmax, src.
-- Reply: {revision of the tombstone, feed entry id}. Errors: SS_NOTFOUND, SS_CONFLICT, SS_INVALID.
-- ss_write: KEYS as ss_put. ARGV (12, positional, '' for none): op, doc, change, ifrev, wid,
-- writer, feedmax, mode, ttl, histmax, histage, src. Reply and errors: as ss_put.
register('ss_write', write)

-- ss_write_many: KEYS the five keys of ss_write per write. ARGV ss_write's twelve per write.
-- Reply: per write, {revision, feed entry id} or its error reply. Errors: SS_INVALID (counts).
register('ss_write_many', write_many)

register('ss_del', function(keys, argv) return whole_write(keys, argv, 'del', 'del') end)

-- ss_ttl: KEYS as ss_put. ARGV options: ttl (required; 0 removes the expiry), ifrev, writer,
-- op, feedmax, histmax, src. Reply: {revision, feed entry id}.
-- Errors: SS_NOTFOUND, SS_CONFLICT, SS_INVALID.
register('ss_ttl', function(keys, argv) return whole_write(keys, argv, 'ttl', 'ttl') end)

-- ss_jop: KEYS as ss_put. ARGV options (ifrev, writer, op, change, feedmax, histmax, src), `--`,
-- then steps (see the steps section above). Reply: {revision, feed entry id[, incr result]}.
-- Errors: SS_NOTFOUND, SS_CONFLICT, SS_PATH, SS_TYPE, SS_STRINGDOC, SS_WRONGTYPE, SS_INVALID.
register('ss_jop', json_steps)

-- ss_jwrite: KEYS as ss_put. ARGV (10, positional, '' for none): op, change, ifrev, wid, writer,
-- feedmax, mode, histmax, histage, src; then the steps. Reply and errors: as ss_jop.
register('ss_jwrite', jwrite)

-- ss_tx: KEYS feed, index, then (document, metadata, history) per document. ARGV options
-- (writer, mode, feedmax, histmax, src), `--`, then OP IFREV TTL VALUE CHANGE per document.
-- Reply: {{revision, feed entry id}, ...} in document order. Errors: as ss_put and ss_del, for
-- any document; nothing is written unless every document passes.
register('ss_tx', transaction)

-- ss_reap: KEYS as ss_put. ARGV options: writer, feedmax, histmax.
-- Reply: 1 if the tombstone of a document Redis expired was committed, else 0. Errors: SS_INVALID.
register('ss_reap', reap)

register('ss_snapshot', snapshot, {'no-writes'})
register('ss_read', feed_read, {'no-writes'})
register('ss_history', history_read, {'no-writes'})
