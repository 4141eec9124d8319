--[[ ss_keys (part of statestore.lua): document keys and the internal keys derived from them
(docs/key-layout.md), and the check that a call's KEYS are exactly those. ]]

local function quote(s)
  if not string.find(s, '[%c"\\\128-\255]') then
    return '"' .. s .. '"'
  end
  return cjson.encode(s) -- strings only: key names and writer names, never document content
end

local DEFAULT_FEEDMAX = '100000'
local MAX_KEY_BYTES = 1024
local MAX_TTL_DIGITS = 13 -- milliseconds: up to about 300 years

-- The operation names a write may record (docs/protocol.md); "expired" is the server's own.
local OPS = {put = true, create = true, update = true, merge = true, set = true, remove = true, incr = true,
             append = true, patch = true, revert = true, import = true, del = true, expire = true,
             persist = true, ttl = true}

local function check_op(op)
  if not OPS[op] then
    fail('SS_INVALID', 'op ' .. quote(op) .. ' is not one of put create update merge set remove incr append '
      .. 'patch revert import del expire persist ttl')
  end
end

-- Unicode white space as Java's Character.isWhitespace has it, in UTF-8: U+1680,
-- U+2000..U+2006, U+2008..U+200A, U+2028, U+2029, U+205F, U+3000.
local UNICODE_SPACES = {'\225\154\128', '\226\128[\128-\134\136-\138\168\169]', '\226\129\159', '\227\128\128'}

local function key_fail(key, why)
  if #key > 80 then
    key = string.sub(key, 1, 77) .. '...'
  end
  fail('SS_KEY', 'invalid document key ' .. quote(key) .. ': ' .. why)
end

local function check_doc_key(key, p)
  if key == '' then
    key_fail(key, 'a key must not be empty')
  end
  if #key > MAX_KEY_BYTES then
    key_fail(key, 'longer than ' .. MAX_KEY_BYTES .. ' bytes')
  end
  if string.find(key, '[%z\1- \127]') then
    key_fail(key, 'contains white space or a control character')
  end
  if string.find(key, '[\128-\255]') then
    if not utf8_valid(key) then
      key_fail(key, 'not valid UTF-8')
    end
    for _, sp in ipairs(UNICODE_SPACES) do
      if string.find(key, sp) then
        key_fail(key, 'contains white space')
      end
    end
  end
  if string.find(key, '[{}]') and not string.find(key, '^[^{}]*{[^{}]+}[^{}]*$') then
    key_fail(key, 'braces may only form one hash tag such as {group}')
  end
  if string.sub(key, 1, #p) == p or string.sub(key, 1, 3) == 'ss:' then
    key_fail(key, 'keys starting with "' .. p .. '"' .. (p ~= 'ss:' and ' or "ss:"' or '') .. ' are statestore\'s internal keys')
  end
end

-- Whether Redis Cluster would hash the key by a tag of its own: {...} with something inside.
local function has_tag(key)
  local open = string.find(key, '{', 1, true)
  if open then
    local close = string.find(key, '}', open + 1, true)
    return close ~= nil and close > open + 1
  end
  return false
end

-- A document's internal key of a kind ('m' metadata, 'h' history). A key with its own hash tag
-- keeps it (so they share its slot) under a prefix of their own: "x" and "{x}" must not share
-- "m:{x}".
local function derived_key(p, kind, key)
  if has_tag(key) then
    return p .. kind .. 't:' .. key
  end
  return p .. kind .. ':{' .. key .. '}'
end

local function meta_of(p, key)
  return derived_key(p, 'm', key)
end

local function hist_of(p, key)
  return derived_key(p, 'h', key)
end

-- The v10 layout kept a tagged key's metadata and history at P.."m:"..key and P.."h:"..key.
-- For a key that is all tag, "{x}", that place is also "x"'s own: it is "{x}"'s
-- only while a key "{x}" exists (written by v10); a new "{x}" must not take over "x"'s revisions.
local function legacy_meta(p, key)
  if not has_tag(key) then
    return nil
  end
  if string.find(key, '^{[^{}]+}$') and redis.call('EXISTS', key) == 0 then
    return nil
  end
  return p .. 'm:' .. key
end

-- The prefix P of an internal key P..suffix (feed, index, histpolicy, config).
local function prefix_of(key, suffix)
  local p = key and string.match(key, '^(.+)' .. suffix .. '$')
  if not p or string.find(p, '[{}%s%c]') then
    fail('SS_KEYS', quote(tostring(key)) .. ' is not <prefix>' .. suffix .. ' (a prefix without braces or spaces)')
  end
  return p
end

-- Feed keys already checked, and the documents checked under each: feed -> {p =, index =,
-- docs = {key -> {meta, hist}}}. The library's state lives as long as the server's Lua VM; a
-- hit costs two table lookups instead of a dozen string operations. Bounded: a feed's table is
-- dropped when it holds too many keys.
local checked_feeds = {}
local CHECKED_KEYS_MAX = 10000

-- Whether this server is a node of a Redis Cluster; asked once: a server cannot change its mode
-- without a restart, which starts a new Lua VM. Asked with the caller's permissions: INFO first,
-- which the daemon's writer and reader roles have always had (roles made by an older daemon, or
-- users made by hand from `statestore acl print`, keep working after an upgrade), then CLUSTER
-- KEYSLOT (fails on a standalone server). A caller refused both learns nothing and the answer is
-- not kept, or one such caller would make the node standalone for everyone.
local on_cluster = nil
local function is_cluster()
  if on_cluster == nil then
    local info = redis.pcall('INFO', 'cluster')
    if type(info) == 'string' then
      on_cluster = string.find(info, 'cluster_enabled:1', 1, true) ~= nil
      return on_cluster
    end
    local r = redis.pcall('CLUSTER', 'KEYSLOT', 'x')
    if type(r) == 'table' and type(r.err) == 'string'
        and (string.find(r.err, 'NOPERM', 1, true) or string.find(r.err, "can't run this command", 1, true)) then
      fail('NOPERM', 'this user may run neither INFO nor CLUSTER KEYSLOT, by which the functions tell a cluster'
        .. ' node from a standalone server; grant it +info or +cluster|keyslot (docs/security.md): ' .. r.err)
    end
    on_cluster = type(r) == 'number'
  end
  return on_cluster
end

-- The slot tag of every hash slot (docs/cluster.md, "Layout on a cluster"): the smallest number,
-- in base 36, whose CRC16 falls in the slot, the rule of the clients' SlotTags. Another tag of
-- the same slot would pass Cluster's own slot check but make a second feed of that slot, which
-- no watcher reads: a gap in the change feed. Built once per Lua VM (~88k candidates, a
-- table-driven CRC16) on the first per-slot key; each feed key is then checked once (checked_feeds).
local slot_tags = nil
local crc_table = nil
local function crc16(s)
  local crc = 0
  for i = 1, #s do
    crc = bit.band(bit.bxor(bit.lshift(crc, 8),
      crc_table[bit.band(bit.bxor(bit.rshift(crc, 8), string.byte(s, i)), 0xff)]), 0xffff)
  end
  return crc
end
local function canonical_tags()
  if slot_tags then
    return slot_tags
  end
  crc_table = {}
  for i = 0, 255 do
    local c = bit.lshift(i, 8)
    for _ = 1, 8 do
      if bit.band(c, 0x8000) ~= 0 then c = bit.bxor(bit.lshift(c, 1), 0x1021) else c = bit.lshift(c, 1) end
      c = bit.band(c, 0xffff)
    end
    crc_table[i] = c
  end
  local digits, tags, filled, n = '0123456789abcdefghijklmnopqrstuvwxyz', {}, 0, 0
  while filled < 16384 do
    local t, m = '', n
    repeat
      local d = m % 36
      t = string.sub(digits, d + 1, d + 1) .. t
      m = (m - d) / 36
    until m == 0
    local slot = bit.band(crc16(t), 16383)
    if not tags[slot] then
      tags[slot] = t
      filled = filled + 1
    end
    n = n + 1
  end
  slot_tags = tags
  return tags
end

-- The prefix P and slot tag T of a slot-group key: P..suffix on a standalone server, or
-- P..suffix..'{T}' on a Cluster, where feed, index and settings are kept per hash slot, T being
-- a tag of the document's slot (docs/cluster.md; Cluster itself refuses keys of other slots).
-- Reply: P and '{T}' ('' on a standalone server).
local function slot_parts(key, suffix)
  local p, tag = key and string.match(key, '^(.+)' .. suffix .. '$'), ''
  if not p and key then
    p, tag = string.match(key, '^(.+)' .. suffix .. '({[0-9a-z]+})$')
  end
  if not p or string.find(p, '[{}%s%c]') then
    fail('SS_KEYS', quote(tostring(key)) .. ' is not <prefix>' .. suffix .. ' (or <prefix>' .. suffix
      .. '{tag} on Redis Cluster; a prefix without braces or spaces)')
  end
  if (tag ~= '') ~= is_cluster() then
    if tag == '' then
      fail('SS_KEYS', quote(key) .. ': on Redis Cluster it is kept per slot, as ' .. p .. suffix
        .. '{tag} with the tag of the document\'s slot')
    end
    fail('SS_KEYS', quote(key) .. ': per-slot keys are for Redis Cluster; this server keeps one ' .. p .. suffix)
  end
  if tag ~= '' then
    local t = string.sub(tag, 2, -2)
    local own = canonical_tags()[bit.band(crc16(t), 16383)]
    if t ~= own then
      fail('SS_KEYS', quote(key) .. ': {' .. t .. '} is not the slot tag of its hash slot ({' .. own
        .. '} is); a second per-slot key of one slot would be a feed no watcher reads')
    end
  end
  return p, tag
end

local function checked_feed(feed)
  local f = checked_feeds[feed]
  if not f then
    local p, tag = slot_parts(feed, 'feed')
    f = {p = p, tag = tag, index = p .. 'index' .. tag, docs = {}, n = 0}
    checked_feeds[feed] = f
  end
  return f
end

-- KEYS[ki..ki+4] of a single-document call: checks the document key and that the other four
-- are those derived from it. Reply: the prefix, and the slot tag ('' on a standalone server).
local function doc_call(keys, ki)
  local key, feed = keys[ki], keys[ki + 3]
  local f = checked_feed(feed)
  local p = f.p
  local known = f.docs[key]
  if known and keys[ki + 1] == known[1] and keys[ki + 2] == known[2] and keys[ki + 4] == f.index then
    return p, f.tag
  end
  check_doc_key(key, p)
  local meta, hist = meta_of(p, key), hist_of(p, key)
  if keys[ki + 1] == meta and keys[ki + 2] == hist and keys[ki + 4] == f.index then
    if f.n >= CHECKED_KEYS_MAX then
      f.docs, f.n = {}, 0
    end
    f.docs[key], f.n = {meta, hist}, f.n + 1
    return p, f.tag
  end
  fail('SS_KEYS', quote(key) .. ': the keys of its call are ' .. meta .. ' ' .. hist .. ' ' .. feed .. ' '
    .. f.index .. ', in this order after the document')
end
