--[[ ss_context (part of statestore.lua): what a write call knows before it looks at its
document: the store's settings, its options, the history policy kept in Redis, and the
per-call context built from them. ]]

-- The store's settings (ss_config_set): the feed length ('0': no trimming) and whether JSON
-- values are checked. tag: the slot tag of the call's feed ('' on a standalone server; on a
-- Cluster the settings hash is kept per slot, like the feed).
local function settings(p, tag)
  local s = redis.call('HMGET', p .. 'config' .. tag, 'feedmax', 'jsoncheck')
  return s[1] or DEFAULT_FEEDMAX, s[2] ~= 'off'
end

-- The feed length setting as XADD's MAXLEN, nil for no trimming.
local function maxlen(feedmax_s)
  if feedmax_s == '0' or feedmax_s == '' then
    return nil
  end
  return feedmax_s
end

-- in_module: the value goes into a JSON module's document.
local function check_value(ctx, text, what, in_module)
  if ctx.jsoncheck then
    local tree = check_json(text, what)
    if in_module then
      check_for_module(tree, what)
    end
  end
end

-- The digest a write ID is bound to: everything that makes the write what it is.
local function write_sig(kind, op, doc, change, ifrev, ttl, writer, mode, histmax, histage, src)
  if mode == nil or mode == '' then
    mode = 'string' -- what an absent mode means, so that both forms of a call agree
  end
  return redis.sha1hex(kind .. '\0' .. op .. '\0' .. (doc or '') .. '\0' .. (change or '') .. '\0' .. (ifrev or '')
    .. '\0' .. (ttl or '') .. '\0' .. writer .. '\0' .. (mode or '') .. '\0' .. (histmax or '') .. '\0'
    .. (histage or '') .. '\0' .. (src or ''))
end

local function no_feedmax(v)
  if v ~= nil and v ~= '' then
    fail('SS_INVALID', 'feedmax is a store setting (ss_config_set feedmax N), not an argument of a write')
  end
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
-- Channel prefixes whose notifications go by sharded pub/sub (SPUBLISH): on a Cluster the channel
-- P..'chg:{T}'..key is in the document's slot, so only that slot's shard carries it.
local SHARDED = {}
-- On a Cluster, also the slot's wake channel P..'wake{T}': every change there is SPUBLISHed on it
-- too (payload: the feed entry ID), so a watcher wakes per slot without knowing the keys.
local WAKE = {}

local function channel_prefix(feed)
  local cached = channel_prefixes[feed]
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
  local chan = p .. 'chg:' .. (tag or '')
  if tag ~= '' then
    SHARDED[chan] = true
    WAKE[chan] = p .. 'wake' .. tag
  end
  channel_prefixes[feed] = chan
  return chan
end

---------------------------------------------------------------------------------------
-- History policy kept in Redis (docs/watch.md). The hash <prefix>histpolicy
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

-- kind: what the call does (put, del, ttl, steps, tx), for the write ID's digest.
-- feed: the call's feed key (checked by doc_call or slot_parts).
local function context(o, p, kind, feed)
  local writer = o.writer
  if writer == nil or writer == '' then
    writer = 'unknown'
  end
  local mode = o.mode or 'string'
  if mode ~= 'string' and mode ~= 'json' then
    fail('SS_INVALID', 'option "mode" must be "string" or "json", got ' .. quote(mode))
  end
  no_feedmax(o.feedmax)
  local f = checked_feed(feed)
  local feedmax, jsoncheck = settings(p, f.tag)
  return {
    kind = kind,
    writer = writer,
    now = now_ms(),
    prefix = p,
    feed = feed,
    index = f.index,
    chan = channel_prefix(feed),
    feedmax = tonumber(feedmax) or 0,
    feedmax_s = feedmax,
    jsoncheck = jsoncheck,
    hist = explicit_hist(o),
    src = o.src,
    mode = mode,
    wid = (o.wid ~= '' and o.wid) or nil,
  }
end
