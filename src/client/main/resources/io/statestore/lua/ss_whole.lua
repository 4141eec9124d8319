--[[ ss_whole (part of statestore.lua): whole-document writes, shared by ss_put, ss_del, ss_ttl,
ss_write's general path and ss_tx.
spec: {op=, ifrev=, ttl=, value=, change=}; op is put|create|del|ttl or a client op name for a
whole-document write computed by the client (merge, set, incr, ... in portable mode). ]]

-- Whether the server has a JSON module, asked of a key the call declares.
local function has_json_module(key)
  local r = redis.pcall('JSON.TYPE', key)
  return not (type(r) == 'table' and r.err)
end

local function validate_whole(d, st, ctx, spec)
  check_op(spec.op)
  check_writable_type(d, st)
  check_revision(d, st, spec.ifrev)
  validate_ttl(spec.ttl)
  if spec.kind == 'del' or spec.kind == 'ttl' then
    if not st.exists then
      fail('SS_NOTFOUND', quote(d.key) .. ' does not exist')
    end
  elseif spec.value == nil or spec.value == '' then
    fail('SS_INVALID', quote(d.key) .. ': option "doc" (the document JSON) is required')
  else
    local as_json = st.typ == JSON_TYPE or (not st.exists and ctx.mode == 'json')
    check_value(ctx, spec.value, 'document ' .. quote(d.key), as_json)
    if not st.exists and ctx.mode == 'json' and not has_json_module(d.key) then
      fail('SS_INVALID', quote(d.key) .. ': mode "json" needs a JSON module, and this server has none')
    end
  end
  if spec.change ~= nil and spec.change ~= '' and spec.change ~= spec.value then
    check_value(ctx, spec.change, 'change of ' .. quote(d.key))
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

-- The document of a single-document call, its keys checked (doc_call).
local function single_doc(keys)
  if #keys ~= 5 then
    fail('SS_INVALID', 'expected 5 keys (document, metadata, history, feed, index), got ' .. #keys)
  end
  local p = doc_call(keys, 1)
  return doc_keys(keys[1], keys[2], keys[3], p)
end

-- o: the options; pre (optional): what ss_write's fast path already read ({st =, policy =}).
local function whole_write_opts(keys, o, kind, default_op, pre)
  local d = single_doc(keys)
  local ctx = context(o, d.p, kind, keys[4])
  local op = o.op
  if op == nil or op == '' then
    op = default_op
  end
  local spec = {kind = kind, op = op, ifrev = int_opt(o, 'ifrev', nil),
                ttl = int_opt(o, 'ttl', nil), value = o.doc, change = o.change}
  if kind == 'ttl' and spec.ttl == nil then
    fail('SS_INVALID', 'option "ttl" is required (0 removes the expiry)')
  end
  local st = preloaded_state(d, ctx, pre)
  local function sign()
    return write_sig(kind, spec.op, o.doc, o.change, o.ifrev, o.ttl, ctx.writer, o.mode, o.histmax, o.histage, o.src)
  end
  -- The signature (a SHA-1 of every argument, the document among them) is computed only for a
  -- possible re-send and for a write that commits: a refused write never pays for it.
  if ctx.wid and st.wid == ctx.wid then
    ctx.sig = sign()
    local again = replayed_sig(st, ctx.wid, ctx.sig)
    if again then
      return again
    end
  end
  expire_virtually(st)
  validate_whole(d, st, ctx, spec)
  if ctx.wid and not ctx.sig then
    ctx.sig = sign()
  end
  commit_expiry(d, st, ctx)
  return apply_whole(d, st, ctx, spec)
end

local function whole_write(keys, argv, kind, default_op)
  return whole_write_opts(keys, parse_opts(argv, 1, WRITE_OPTS), kind, default_op, nil)
end

-- ss_put: KEYS document, metadata, history, feed, index. ARGV options: doc (required), ifrev,
-- ttl, writer, op, change, mode, histmax, histage, src, wid. Reply: {revision, feed entry id}.
-- Errors: SS_CONFLICT (ifrev), SS_WRONGTYPE, SS_INVALID (options); the module's own error if
-- JSON.SET refuses the document (before anything is written).
register('ss_put', function(keys, argv) return whole_write(keys, argv, 'put', 'put') end)

-- Deletes and TTL changes run under maxmemory (flag allow-oom): with the noeviction policy
-- Redis refuses every other write once used memory is over maxmemory, and an operator must
-- still be able to free space through statestore. allow-oom lets a function run any command in
-- that state, so these three only ever remove a document or change its expiry: their kind is
-- fixed here ('del', 'ttl', the expiry reap), never taken from the caller, and none of them
-- stores content. What they add is the bookkeeping of the change (metadata fields, one feed
-- entry, a history entry without content), which the feed's length bound keeps from growing; a
-- delete frees the document itself.
local FREEING = {'allow-oom'}
local FREEING_OPTS = {writer = true, ifrev = true, ttl = true, op = true, mode = true, feedmax = true, histmax = true,
                      histage = true, src = true, wid = true}

-- whole_write without the options that carry content (doc, change), which a delete or an
-- expiry change has no use for and which could add data under maxmemory.
local function freeing_write(keys, argv, kind)
  return whole_write_opts(keys, parse_opts(argv, 1, FREEING_OPTS), kind, kind, nil)
end

-- ss_del: KEYS as ss_put. ARGV options: ifrev, writer, op, histmax, histage, src, wid.
-- Reply: {revision of the tombstone, feed entry id}. Errors: SS_NOTFOUND, SS_CONFLICT, SS_INVALID.
register('ss_del', function(keys, argv) return freeing_write(keys, argv, 'del') end, FREEING)

-- ss_ttl: KEYS as ss_put. ARGV options: ttl (required; 0 removes the expiry), ifrev, writer,
-- op, histmax, histage, src, wid. Reply: {revision, feed entry id}.
-- Errors: SS_NOTFOUND, SS_CONFLICT, SS_INVALID.
register('ss_ttl', function(keys, argv) return freeing_write(keys, argv, 'ttl') end, FREEING)
