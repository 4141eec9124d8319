--[[ ss_reads (part of statestore.lua): documents read by key, and listed by prefix. ]]

-- The prefix of a document's metadata key, checking that it is the one derived from the key.
local function meta_prefix(key, meta)
  local suffix = string.sub(meta_of('', key), 1)
  local p = #meta > #suffix and string.sub(meta, -#suffix) == suffix and string.sub(meta, 1, #meta - #suffix)
  if not p or p == '' or string.find(p, '[{}%s%c]') then
    fail('SS_KEYS', quote(key) .. ': its metadata key is <prefix>' .. suffix .. ', got ' .. quote(tostring(meta)))
  end
  check_doc_key(key, p)
  return p
end

-- Reply: {value or nil, revision, created ms, updated ms, writer, pttl ms, storage type,
-- foreign (1: the key exists but statestore has no live metadata for it: written by others)}
local function read_one(key, meta, p)
  local typ = redis.call('TYPE', key)['ok']
  local m = redis.call('HMGET', meta, 'rev', 'ctime', 'mtime', 'writer', 'del')
  if not m[1] then
    local old = legacy_meta(p, key)
    if old then
      m = redis.call('HMGET', old, 'rev', 'ctime', 'mtime', 'writer', 'del')
    end
  end
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
  local foreign = 0
  if typ ~= 'none' and (not m[1] or m[5] == '1') then
    foreign = 1
  end
  return {value, tonumber(m[1]) or 0, m[2] or '', m[3] or '', m[4] or '', pttl, typ, foreign}
end

local function get_many(keys)
  if #keys % 2 ~= 0 or #keys == 0 then
    fail('SS_INVALID', 'expected (document, metadata) key pairs, got ' .. #keys .. ' keys')
  end
  local out = {}
  for i = 1, #keys, 2 do
    out[#out + 1] = read_one(keys[i], keys[i + 1], meta_prefix(keys[i], keys[i + 1]))
  end
  return out
end

-- ss_get: KEYS document, metadata. ARGV none.
-- Reply: {content or nil, revision, created ms, updated ms, writer, pttl ms, Redis type, foreign}.
-- Errors: SS_WRONGTYPE (the key holds a hash, list, ...), SS_INVALID (wrong key count), SS_KEY,
-- SS_KEYS.
register('ss_get', function(keys) return get_many(keys)[1] end, {'no-writes'})

-- ss_mget: KEYS (document, metadata) pairs. ARGV none. Reply: one ss_get reply per pair.
-- Errors: as ss_get.
register('ss_mget', function(keys) return get_many(keys) end, {'no-writes'})

-- ss_list: KEYS index. ARGV prefix, after (exclusive; '' to start at the prefix), limit.
-- Reply: {cursor ('' when the listing is complete), key...}: existing documents only.
-- Errors: SS_INVALID, SS_KEYS.
local function list_keys(keys, argv)
  if #keys ~= 1 then
    fail('SS_INVALID', 'expected 1 key (the index), got ' .. #keys)
  end
  slot_parts(keys[1], 'index')
  local prefix = argv[1] or ''
  local after = argv[2] or ''
  local limit = tonumber(argv[3] or '1000')
  if not limit or limit < 1 or limit > 100000 or limit ~= math.floor(limit) then
    fail('SS_INVALID', 'limit must be an integer from 1 to 100000, got ' .. quote(tostring(argv[3])))
  end
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
register('ss_list', list_keys, {'no-writes'})
