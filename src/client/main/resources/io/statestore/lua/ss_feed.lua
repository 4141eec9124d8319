--[[ ss_feed (part of statestore.lua): what watchers read, all no-writes: a snapshot with its
feed position, the feed after a position, and a document's kept versions. ]]

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

-- ss_snapshot: documents and the feed position they correspond to, read in one call.
-- KEYS: feed, index, then optionally (document, metadata) pairs.
-- ARGV with document keys: none. Without: prefix, after (exclusive, '' to start), limit.
-- Reply: {position, cursor, {key, ss_get reply}, ...}; absent documents are left out; cursor
-- is '' when the page completes the prefix. The position is the feed's last generated ID.
local function snapshot(keys, argv)
  if #keys < 2 or #keys % 2 ~= 0 then
    fail('SS_INVALID', 'expected feed, index and (document, metadata) pairs, got ' .. #keys .. ' keys')
  end
  local p, tag = slot_parts(keys[1], 'feed')
  if keys[2] ~= p .. 'index' .. tag then
    fail('SS_KEYS', 'the second key must be ' .. p .. 'index' .. tag .. ', got ' .. quote(keys[2]))
  end
  local out = {feed_position(keys[1]), ''}
  if #keys > 2 then
    for i = 3, #keys, 2 do
      if keys[i + 1] ~= meta_of(p, keys[i]) then
        fail('SS_KEYS', quote(keys[i]) .. ': its metadata key is ' .. meta_of(p, keys[i]))
      end
      check_doc_key(keys[i], p)
      local r = read_one(keys[i], keys[i + 1], p)
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
    local r = read_one(k, meta_of(p, k), p)
    if r[1] then
      out[#out + 1] = {k, r}
    end
  end
  return out
end
register('ss_snapshot', snapshot, {'no-writes'})

-- ss_read: feed entries after a position, with a check that none after it was trimmed away.
-- KEYS: feed. ARGV: after (an entry ID; '0-0' for the beginning), count.
-- Reply: {status, last generated ID, entries}; status 'ok', 'trimmed' (entries after the
-- position were removed: resync) or 'behind' (the position is later than anything the feed
-- holds: the feed lost entries, e.g. Redis restarted without them). Entries as XRANGE replies.
local function feed_read(keys, argv)
  if #keys ~= 1 then
    fail('SS_INVALID', 'expected 1 key (the feed), got ' .. #keys)
  end
  local feed = keys[1]
  slot_parts(feed, 'feed')
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
register('ss_read', feed_read, {'no-writes'})

-- The history stream to read: keys[1] must be a document's history key; a tagged document last
-- written under the v10 layout still has its history at the old place.
local function history_key(keys)
  local hist = keys[1]
  if #keys ~= 1 or not hist then
    fail('SS_INVALID', 'expected 1 key (the history stream), got ' .. #keys)
  end
  local p, doc = string.match(hist, '^([^{}]-)h:{([^{}]+)}$')
  if not p then
    p, doc = string.match(hist, '^([^{}]-)ht:(.+)$')
  end
  if not p or p == '' or hist_of(p, doc) ~= hist then
    fail('SS_KEYS', quote(hist) .. ' is not the history key of a document')
  end
  check_doc_key(doc, p)
  if redis.call('EXISTS', hist) == 0 and legacy_meta(p, doc) then
    return p .. 'h:' .. doc
  end
  return hist
end

-- ss_history: the kept versions of a document, oldest first, or the one of a revision.
-- KEYS: history stream. ARGV: maximum age in ms (0 = any age)[, revision (0 = all)].
-- Reply: XRANGE entries (id, {rev, op, writer, time[, doc]}) no older than the maximum age;
-- with a revision, at most the one entry recording it (searched from the newest).
local function history_read(keys, argv)
  local hist = history_key(keys)
  keys = {hist}
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
register('ss_history', history_read, {'no-writes'})
