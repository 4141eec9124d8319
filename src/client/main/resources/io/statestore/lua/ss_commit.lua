--[[ ss_commit (part of statestore.lua): a document's state as a write finds it, the checks
every write makes on it, and the commit itself: metadata, one feed entry, one notification,
history. ]]

local function doc_keys(key, meta, hist, p)
  return {key = key, meta = meta, hist = hist, p = p}
end

local META_STATE = {'rev', 'del', 'wid', 'wfid', 'wsig'} -- what a write reads of the metadata hash

-- m: HMGET of META_STATE; typ: the key's TYPE.
local function state_of(m, typ)
  return {rev = tonumber(m[1]) or 0, rev_s = m[1] or '0', tomb = m[2] == '1', typ = typ, exists = typ ~= 'none',
          wid = m[3], wfid = m[4], wsig = m[5], managed = m[1] and true or false}
end

-- The state of a document; a tagged key last written under the v10 layout has its metadata at
-- the old place, which the commit moves (st.legacy).
local function load_state(d)
  local m = redis.call('HMGET', d.meta, unpack(META_STATE))
  if not m[1] then
    local old = legacy_meta(d.p, d.key)
    if old and redis.call('EXISTS', old) == 1 then
      m = redis.call('HMGET', old, unpack(META_STATE))
      local st = state_of(m, redis.call('TYPE', d.key)['ok'])
      st.legacy = old
      return st
    end
  end
  return state_of(m, redis.call('TYPE', d.key)['ok'])
end

-- A write carrying the write ID (option wid) of the document's last committed write is a
-- re-send of that write (its reply was lost): answer what it answered, change nothing. The ID
-- is bound to the digest of its write: the same ID with other arguments is a client's bug, and
-- answering it as a re-send would swallow a write.
local function replayed_sig(st, wid, sig)
  if wid and st.wid == wid then
    if st.wsig and st.wsig ~= sig then
      fail('SS_WID', 'write ID ' .. quote(wid) .. ' was used for another write of this document; '
        .. 'a write ID must be new for every write (only a re-send of the same call may repeat it)')
    end
    return {st.rev, st.wfid}
  end
  return nil
end

-- Moves the metadata and history of a tagged key from the v10 layout's place to its own.
-- The old "m:{x}" of "{x}" was also the place of "x" (same slot): while a document "x" exists
-- they shared it, and both keep a copy, so both revision sequences go on rising.
local function move_legacy(d, st)
  if not st.legacy then
    return
  end
  local p, key = d.p, d.key
  local old_hist = p .. 'h:' .. key
  if string.find(key, '^{[^{}]+}$') and redis.call('EXISTS', string.sub(key, 2, -2)) == 1 then
    redis.call('COPY', st.legacy, d.meta)
    if redis.call('EXISTS', old_hist) == 1 then
      redis.call('COPY', old_hist, d.hist)
    end
  else
    redis.call('RENAME', st.legacy, d.meta)
    if redis.call('EXISTS', old_hist) == 1 then
      redis.call('RENAME', old_hist, d.hist)
    end
  end
  st.legacy = nil
end

-- The document's state, as a positional fast path already read it (pre = {st =, policy =}) or
-- read now; the fast path's server policy is reused unless the call names its own history rule.
local function preloaded_state(d, ctx, pre)
  if not pre or (not pre.st.managed and has_tag(d.key)) then
    return load_state(d) -- (a tagged key without metadata may have it at the old place)
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
  local note = '{"key":' .. quote(key) .. ',"op":' .. quote(op) .. ',"rev":' .. rs .. ',"prev":' .. ps .. ',"id":"' .. id .. '"}'
  if SHARDED[chan] then
    redis.call('SPUBLISH', chan .. key, note)
    redis.call('SPUBLISH', WAKE[chan], id) -- wakes a cluster watcher (docs/cluster.md)
  else
    redis.call('PUBLISH', chan .. key, note)
  end
  return id
end

local function emit(d, ctx, op, rs, ps, change)
  local writer = ctx.writer
  if op == 'expired' then
    writer = EXPIRY_WRITER
  end
  return append_change(ctx.feed, maxlen(ctx.feedmax_s), ctx.chan, d.key, op, rs, ps, writer, ctx.now, change, ctx.src)
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

-- A document whose metadata says it is alive but whose key is gone was expired by Redis. Its
-- tombstone comes first in the feed, so the feed never skips the expiry; it is written only by
-- a call that succeeds (commit_expiry), and checks meet the state as if it were.
local function expire_virtually(st)
  if st.rev > 0 and not st.tomb and not st.exists then
    st.expired_prev = st.rev_s
    st.rev = st.rev + 1
    st.rev_s = fmt(st.rev)
    st.tomb = true
    return true
  end
  return false
end

local function commit_expiry(d, st, ctx)
  move_legacy(d, st)
  if st.expired_prev then
    redis.call('HSET', d.meta, 'rev', st.rev_s, 'del', '1', 'mtime', ctx.now, 'writer', EXPIRY_WRITER)
    redis.call('ZREM', ctx.index, d.key)
    record_history(d, ctx, 'expired', st.rev_s, nil)
    emit(d, ctx, 'expired', st.rev_s, st.expired_prev, nil)
    st.expired_prev = nil
  end
end

local function check_revision(d, st, ifrev)
  if ifrev == nil then
    return
  end
  if ifrev == -1 then
    -- a key written by something else: it exists, and no statestore metadata says it does
    if not st.exists or (st.managed and not st.tomb) then
      fail('SS_CONFLICT', quote(d.key) .. ' expected a key written outside statestore, current revision '
        .. (st.exists and fmt(st.rev) or (fmt(st.rev) .. ', document does not exist')))
    end
    return
  end
  if ifrev < -1 then
    fail('SS_INVALID', 'ifrev must be -1 (a key written outside statestore), 0 (absent) or a revision, got ' .. fmt(ifrev))
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
  if ttl ~= nil and (ttl < 0 or ttl >= 10 ^ MAX_TTL_DIGITS) then
    fail('SS_INVALID', 'ttl must be 0 (none) or a positive number of milliseconds below 10^' .. MAX_TTL_DIGITS)
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
  move_legacy(d, st)
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
    f[#f + 1] = 'wsig'
    f[#f + 1] = ctx.sig
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
