--[[ ss_admin (part of statestore.lua): what the admin and the daemon call: the history policy,
the store's settings, the layout upgrade and the expiry reaper. ]]

-- ss_hpolicy_set: replaces the policy atomically. KEYS policy hash (<prefix>histpolicy, or on a
-- Cluster one slot's <prefix>histpolicy{T}: writes follow their slot's, so the setter writes
-- every slot; docs/cluster.md). ARGV: [ifversion VERSION]
-- then PATTERN MAXVERSIONS MAXAGEMS per rule, first match wins (none: no server policy, keys
-- keep no history unless the writer passes histmax). With ifversion the rules
-- are replaced only if the policy's version is still VERSION ('' = never set), so a
-- read-modify-write of one rule cannot undo a concurrent change; the option is told apart from
-- a rule by the argument count. Reply: the new version. Errors: SS_CONFLICT (another version),
-- SS_INVALID.
local function policy_set(keys, argv)
  if #keys ~= 1 then
    fail('SS_INVALID', 'expected 1 key (the policy hash), got ' .. #keys)
  end
  slot_parts(keys[1], 'histpolicy')
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
register('ss_hpolicy_set', policy_set)

-- ss_hpolicy_get: KEYS policy hash. ARGV none. Reply: {version ('' when never set),
-- {pattern, maxversions, maxagems}, ...} in match order. Errors: SS_INVALID.
local function policy_get(keys)
  if #keys ~= 1 then
    fail('SS_INVALID', 'expected 1 key (the policy hash), got ' .. #keys)
  end
  slot_parts(keys[1], 'histpolicy')
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
register('ss_hpolicy_get', policy_get, {'no-writes'})

-- Store settings: what affects every client is set once, by an admin.
local SETTINGS = {
  feedmax = function(v) return string.find(v, '^%d+$') and #v <= 12 end,
  jsoncheck = function(v) return v == 'on' or v == 'off' end,
}
local SETTING_DEFAULTS = {feedmax = DEFAULT_FEEDMAX, jsoncheck = 'on'}

-- ss_config_set: KEYS the settings hash <prefix>config (on a Cluster one slot's <prefix>config{T},
-- set on every slot by the daemon; docs/cluster.md). ARGV name value pairs: feedmax N (feed
-- length, 0 = no trimming; default 100000), jsoncheck on|off (off: "trusted writers", JSON
-- values are not checked; default on). Reply: OK. Errors: SS_INVALID, SS_KEYS.
local function config_set(keys, argv)
  if #keys ~= 1 then
    fail('SS_INVALID', 'expected 1 key (the settings hash), got ' .. #keys)
  end
  slot_parts(keys[1], 'config')
  if #argv == 0 or #argv % 2 ~= 0 then
    fail('SS_INVALID', 'expected name value pairs (feedmax N, jsoncheck on|off)')
  end
  for i = 1, #argv, 2 do
    local ok = SETTINGS[argv[i]]
    if not ok then
      fail('SS_INVALID', 'unknown setting ' .. quote(argv[i]) .. ' (settings: feedmax, jsoncheck)')
    end
    if not ok(argv[i + 1]) then
      fail('SS_INVALID', 'setting ' .. argv[i] .. ': ' .. quote(argv[i + 1]) .. ' is not '
        .. (argv[i] == 'feedmax' and 'a non-negative integer' or 'on or off'))
    end
  end
  redis.call('HSET', keys[1], unpack(argv))
  return redis.status_reply('OK')
end
register('ss_config_set', config_set)

-- ss_config_get: KEYS the settings hash. ARGV none. Reply: {name, value, ...} with defaults.
local function config_get(keys)
  if #keys ~= 1 then
    fail('SS_INVALID', 'expected 1 key (the settings hash), got ' .. #keys)
  end
  slot_parts(keys[1], 'config')
  local out = {}
  for _, name in ipairs({'feedmax', 'jsoncheck'}) do
    out[#out + 1] = name
    out[#out + 1] = redis.call('HGET', keys[1], name) or SETTING_DEFAULTS[name]
  end
  return out
end
register('ss_config_get', config_get, {'no-writes'})

-- ss_upgrade: KEYS as ss_put. ARGV none. Moves a tagged document's metadata and history from
-- their place in the v10 layout to their own; the daemon calls it for every such key at start.
-- Reply: 1 if something was moved, else 0. Errors: SS_KEY, SS_KEYS.
local function upgrade(keys)
  local d = single_doc(keys)
  local st = load_state(d)
  if not st.legacy then
    return 0
  end
  move_legacy(d, st)
  return 1
end
register('ss_upgrade', upgrade)

-- ss_reap: KEYS as ss_put. ARGV options: writer, feedmax, histmax, histage. Commits the tombstone
-- of a document Redis expired on its own (allow-oom, as ss_del). Reply: 1 if it was written,
-- else 0. Errors: SS_INVALID, SS_KEY, SS_KEYS.
local function reap(keys, argv)
  local d = single_doc(keys)
  local o = parse_opts(argv, 1, {writer = true, feedmax = true, histmax = true, histage = true})
  local ctx = context(o, d.p, 'reap', keys[4])
  local st = load_state(d)
  if expire_virtually(st) then
    commit_expiry(d, st, ctx)
    return 1
  end
  return 0
end
register('ss_reap', reap, FREEING)
