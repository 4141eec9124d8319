--[[ ss_chain (part of statestore.lua): flat combining. While one call of a client process is in
flight for a document, the writes its other threads queue behind it for that document go as
one call: a chain of links applied in order, each through the same code as the single call of
its form (ss_write, ss_jwrite, ss_del), so each keeps its own revision, feed entry,
notification and reply. The chain stops at the first link that cannot apply: a later link may
have been computed from the outcome of the earlier ones, and must never commit against
another process's revision (docs/combining.md).

Link forms, each a tag and then exactly the arguments of the single call:
  W  + ss_write's 12 (OP DOC CHANGE IFREV WID WRITER FEEDMAX MODE TTL HISTMAX HISTAGE SRC)
  J  COUNT + ss_jwrite's 10 (OP CHANGE IFREV WID WRITER FEEDMAX MODE HISTMAX HISTAGE SRC) and its
     steps, COUNT arguments in all
  D  + OP IFREV WRITER HISTMAX HISTAGE SRC (ss_del's options)
A link carries no write ID of its own (WID ''): the chain's write ID covers every link. ]]

local CHAIN_MAX_LINKS = 256
local CHAIN_MAX_WID = 129
-- Producers a document remembers the last chain of (metadata fields c:<producer>, list cq). A
-- client process has at most one chain in flight per document, so a re-send is always of its
-- producer's last chain, however many other chains came in between.
local CHAIN_PRODUCERS = 64
local CHAIN_STOP = 'SS_CHAINSTOP'
-- Arguments of a J link copied with one unpack (well below Lua's limit on values on its stack).
local CHAIN_UNPACK_MAX = 4000

local function chain_int(v, what, signed)
  local pat = signed and '^%-?%d+$' or '^%d+$'
  if v ~= '' and (not string.match(v, pat) or #v > 19) then
    fail('SS_INVALID', 'chain link ' .. what .. ' must be ' .. (signed and 'an integer' or 'a non-negative integer')
      .. ' or empty, got ' .. quote(v))
  end
end

local function chain_op(op, n)
  if op ~= '' and not OPS[op] then
    fail('SS_INVALID', 'chain link ' .. n .. ': op ' .. quote(op) .. ' is not one of put create update merge set '
      .. 'remove incr append patch revert import del expire persist ttl')
  end
end

local function chain_mode(mode, n)
  if mode ~= '' and mode ~= 'string' and mode ~= 'json' then
    fail('SS_INVALID', 'chain link ' .. n .. ': mode must be "string" or "json", got ' .. quote(mode))
  end
end

local function chain_no_wid(wid, n)
  if wid ~= '' then
    fail('SS_INVALID', 'chain link ' .. n .. ' carries a write ID of its own; the chain\'s write ID covers '
      .. 'every link, so a link\'s WID must be empty')
  end
end

-- The shape of the steps argv[from..to] of a J link (names and arity); their values and their
-- fit to the document are checked when the link runs, as ss_jwrite checks them.
local function chain_steps(argv, from, to, n)
  if from > to then
    fail('SS_INVALID', 'chain link ' .. n .. ' (J) has no steps')
  end
  local i = from
  while i <= to do
    local arity = STEP_ARITY[argv[i]]
    if arity == nil then
      fail('SS_INVALID', 'chain link ' .. n .. ': unknown step ' .. quote(argv[i]))
    end
    if i + arity > to then
      fail('SS_INVALID', 'chain link ' .. n .. ': step "' .. argv[i] .. '" needs ' .. arity .. ' arguments')
    end
    i = i + arity + 1
  end
end

-- Checks the shape of every link before anything is written; reply: {{tag, first arg, last arg}, ...}.
local function chain_links(argv)
  local count = argv[2]
  if not string.match(count or '', '^%d+$') or tonumber(count) < 1 or tonumber(count) > CHAIN_MAX_LINKS then
    fail('SS_INVALID', 'a chain has 1 to ' .. CHAIN_MAX_LINKS .. ' links, got ' .. quote(tostring(count)))
  end
  local links, a = {}, 3
  for n = 1, tonumber(count) do
    local tag = argv[a]
    local first, last
    if tag == 'W' then
      first, last = a + 1, a + 12
      if last > #argv then
        fail('SS_INVALID', 'chain link ' .. n .. ' (W) needs the 12 arguments of ss_write')
      end
      chain_op(argv[first], n)
      chain_int(argv[first + 3], 'IFREV', true)
      chain_no_wid(argv[first + 4], n)
      no_feedmax(argv[first + 6])
      chain_mode(argv[first + 7], n)
      for j = 8, 10 do
        chain_int(argv[first + j], WRITE_ARGS[j + 1], false)
      end
    elseif tag == 'J' then
      local c = argv[a + 1] or ''
      if not string.match(c, '^%d+$') or tonumber(c) < NJ + 1 or a + 1 + tonumber(c) > #argv then
        fail('SS_INVALID', 'chain link ' .. n .. ' (J) needs a count of at least ' .. (NJ + 1)
          .. ' arguments that are all there, got ' .. quote(c))
      end
      first, last = a + 2, a + 1 + tonumber(c)
      chain_op(argv[first], n)
      chain_int(argv[first + 2], 'IFREV', true)
      chain_no_wid(argv[first + 3], n)
      no_feedmax(argv[first + 5])
      chain_mode(argv[first + 6], n)
      chain_int(argv[first + 7], 'HISTMAX', false)
      chain_int(argv[first + 8], 'HISTAGE', false)
      chain_steps(argv, first + NJ, last, n)
    elseif tag == 'D' then
      first, last = a + 1, a + 6
      if last > #argv then
        fail('SS_INVALID', 'chain link ' .. n .. ' (D) needs 6 arguments: OP IFREV WRITER HISTMAX HISTAGE SRC')
      end
      chain_op(argv[first], n)
      chain_int(argv[first + 1], 'IFREV', true)
      chain_int(argv[first + 3], 'HISTMAX', false)
      chain_int(argv[first + 4], 'HISTAGE', false)
    else
      fail('SS_INVALID', 'chain link ' .. n .. ' must start with W, J or D, got ' .. quote(tostring(tag)))
    end
    links[n] = {tag, first, last}
    a = last + 1
  end
  if a <= #argv then
    fail('SS_INVALID', 'a chain of ' .. count .. ' links has ' .. (#argv - a + 1) .. ' arguments left over')
  end
  return links
end

local function chain_apply(keys, argv, link, via)
  local tag, first, last = link[1], link[2], link[3]
  if tag == 'W' then
    return write_at(keys, 1, argv, first - 1)
  end
  if tag == 'J' then
    local sub
    if last - first < CHAIN_UNPACK_MAX then
      sub = {unpack(argv, first, last)} -- sized once; a growing table is rehashed at every power of two
    else
      sub = {}
      for i = first, last do
        sub[#sub + 1] = argv[i]
      end
    end
    return jwrite(keys, sub, via)
  end
  local o = {}
  local names = {'op', 'ifrev', 'writer', 'histmax', 'histage', 'src'}
  for i, name in ipairs(names) do
    if argv[first + i - 1] ~= '' then
      o[name] = argv[first + i - 1]
    end
  end
  return whole_write_opts(keys, o, 'del', 'del', nil)
end

-- A failed link's error in the words guarded() would give it.
local function chain_error(e)
  if type(e) == 'table' then
    e = e.err
  end
  e = tostring(e)
  if string.sub(e, 1, 3) ~= 'SS_' then
    e = 'SS_INTERNAL ' .. string.gsub(e, '^user_function:%d+: ', '')
  end
  return e
end

-- The record of a chain's replies kept for its re-send: link by link {'o', rev, id[, value]} or
-- {'e', message}. cjson sees only these strings, never document content.
local function chain_record(replies)
  local out = {}
  for i, r in ipairs(replies) do
    if r.err then
      out[i] = {'e', r.err}
    else
      out[i] = {'o', fmt(r[1]), r[2], r[3]}
    end
  end
  return cjson.encode(out)
end

local function chain_replayed(text)
  local replies = {}
  for i, r in ipairs(cjson.decode(text)) do
    if r[1] == 'e' then
      replies[i] = redis.error_reply(r[2])
    else
      replies[i] = {tonumber(r[2]), r[3], r[4]}
    end
  end
  return replies
end

-- The producer and chain of a chain write ID PRODUCER:CHAIN (each 1 to 64 of A-Z a-z 0-9 _ -),
-- nil for any other form.
local function chain_wid(wid)
  local producer, unique = string.match(wid, '^([%w_%-]+):([%w_%-]+)$')
  if not producer or #wid > CHAIN_MAX_WID or #producer > 64 or #unique > 64 then
    return nil
  end
  return producer, unique
end

-- The replies of the producer's last chain (kept: its record) when this call re-sends it (the
-- same chain, signed alike); nil when the record is of another chain or there is none.
local function kept_replies(kept, unique, sig, wid)
  if not kept then
    return nil
  end
  local kunique, ksig, record = string.match(kept, '^(%S+) (%x+) (.*)$')
  if kunique ~= unique then
    return nil
  end
  if ksig ~= sig then
    fail('SS_WID', 'chain write ID ' .. quote(wid) .. ' was used for another chain of this document; '
      .. 'a write ID must be new for every chain (only a re-send of the same chain may repeat it)')
  end
  return chain_replayed(record)
end

-- Remembers the chain's replies as its producer's last; a producer new to the document joins
-- the list cq, and the oldest beyond CHAIN_PRODUCERS is forgotten.
local function chain_remember(meta, producer, unique, sig, replies, known)
  local record = unique .. ' ' .. sig .. ' ' .. chain_record(replies)
  if known then
    redis.call('HSET', meta, 'c:' .. producer, record)
    return
  end
  local ids = {}
  for id in string.gmatch(redis.call('HGET', meta, 'cq') or '', '%S+') do
    ids[#ids + 1] = id
  end
  ids[#ids + 1] = producer
  while #ids > CHAIN_PRODUCERS do
    redis.call('HDEL', meta, 'c:' .. table.remove(ids, 1))
  end
  redis.call('HSET', meta, 'c:' .. producer, record, 'cq', table.concat(ids, ' '))
end

-- ss_chain: KEYS as ss_put. ARGV: CWID (the chain's write ID PRODUCER:CHAIN, each 1 to 64 of
-- A-Z a-z 0-9 _ -, or '' for none), N (1 to 256 links), then the links (W, J, D forms above).
-- Reply: one per link in order, {revision, feed entry id[, increment result]} or the link's error
-- reply; after the first failed link every later one is answered SS_CHAINSTOP (not applied:
-- send it again). A re-send of the last chain of its producer that committed anything answers
-- the first replies and writes nothing. Errors (nothing written): SS_INVALID (a malformed chain),
-- SS_KEY, SS_KEYS, SS_WID (the write ID of another chain).
local function chain(keys, argv)
  local d = single_doc(keys)
  local cwid = argv[1] or ''
  local producer, unique = chain_wid(cwid)
  if cwid ~= '' and not producer then
    fail('SS_INVALID', 'a chain write ID is PRODUCER:CHAIN, each 1 to 64 letters, digits, "_" or "-", got '
      .. quote(cwid))
  end
  local links = chain_links(argv)
  local sig, kept, via = nil, nil, nil
  if producer then
    sig = redis.sha1hex(table.concat(argv, '\0', 2))
    if #links == 1 and links[1][1] == 'J' then
      -- a lone in-place write (the usual module-mode write): the producer's record is read with
      -- the metadata ss_jwrite reads (one HMGET), and when the producer is known its new record
      -- is written with the metadata ss_jwrite writes (one HSET): two commands less
      local m = redis.call('HMGET', d.meta, 'c:' .. producer, unpack(META_STATE))
      kept = table.remove(m, 1) or nil -- Lua sees an absent field as false
      via = {m = m}
      if kept then
        via.field, via.head = 'c:' .. producer, unique .. ' ' .. sig .. ' '
      end
    else
      kept = redis.call('HGET', d.meta, 'c:' .. producer) or nil
    end
    local again = kept_replies(kept, unique, sig, cwid)
    if again then
      return again
    end
  end
  local replies, stopped = {}, nil
  for n, link in ipairs(links) do
    if stopped then
      replies[n] = redis.error_reply(CHAIN_STOP .. ' ' .. quote(d.key) .. ': link ' .. n .. ' of ' .. #links
        .. ' not applied because link ' .. stopped .. ' failed; send it again')
    else
      local ok, r = pcall(chain_apply, keys, argv, link, via)
      if ok then
        replies[n] = r
      else
        replies[n] = redis.error_reply(chain_error(r))
        stopped = n
      end
    end
  end
  if sig and stopped ~= 1 and not (via and via.done) then
    chain_remember(d.meta, producer, unique, sig, replies, kept ~= nil)
  end
  return replies
end
register('ss_chain', chain)

-- ss_write with a write ID PRODUCER:N: a chain of one W link sent as the plain call.
-- The client's combiner sends a write that nothing queued behind this way; the chain's link
-- parsing and reply list cost a lone write ~9% more server work (callgrind). It keeps what the
-- chain keeps: the write is recorded as its producer's last chain, so its re-send is answered
-- even after other writers' changes, and the producer's next chain finds a record as after
-- ss_chain. Signed once, as the chain is (the write itself then runs without an ID of its own).
-- A write ID with a ':' that is not of this form keeps its former meaning (the document's last
-- write only).
lone_link = function(keys, argv)
  local wid = argv[5]
  local producer, unique = chain_wid(wid)
  if not producer then
    return write_at(keys, 1, argv, 0)
  end
  doc_call(keys, 1) -- keys[2] is the document's metadata hash from here on
  local meta = keys[2]
  local sig = redis.sha1hex(table.concat(argv, '\0'))
  local kept = redis.call('HGET', meta, 'c:' .. producer) or nil
  local again = kept_replies(kept, unique, sig, wid)
  if again then
    return again[1]
  end
  argv[5] = ''
  local r = write_at(keys, 1, argv, 0) -- a refusal is the call's error, and nothing is recorded
  chain_remember(meta, producer, unique, sig, {r}, kept ~= nil)
  return r
end

-- ss_jwrite with a write ID PRODUCER:N: a chain of one J link sent as the plain call, as
-- lone_link is for ss_write (module mode's usual write: the chain around a lone link cost ~25%
-- of its server work). The producer's record is read with the metadata ss_jwrite reads and,
-- when the producer is known, written with the metadata it writes, as ss_chain does for a lone J
-- link. A write ID with a ':' that is not of this form keeps its former meaning.
lone_jlink = function(keys, argv)
  local wid = argv[4]
  local producer, unique = chain_wid(wid)
  if not producer then
    return jwrite(keys, argv)
  end
  doc_call(keys, 1) -- keys[2] is the document's metadata hash from here on
  local meta = keys[2]
  local sig = redis.sha1hex(table.concat(argv, '\0'))
  local m = redis.call('HMGET', meta, 'c:' .. producer, unpack(META_STATE))
  local kept = table.remove(m, 1) or nil -- Lua sees an absent field as false
  local via = {m = m}
  local again = kept_replies(kept, unique, sig, wid)
  if again then
    return again[1]
  end
  if kept then
    via.field, via.head = 'c:' .. producer, unique .. ' ' .. sig .. ' '
  end
  argv[4] = ''
  local r = jwrite(keys, argv, via) -- a refusal is the call's error, and nothing is recorded
  if not via.done then
    chain_remember(meta, producer, unique, sig, {r}, kept ~= nil)
  end
  return r
end
