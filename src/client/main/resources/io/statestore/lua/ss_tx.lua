--[[ ss_tx (part of statestore.lua): a transaction across several documents of one group. ]]

local TX_OPTS = {writer = true, mode = true, feedmax = true, histmax = true, histage = true, src = true}

-- One document of a transaction: its keys (checked like a single-document call's) and its spec.
local function tx_document(keys, i, argv, a, p)
  local key, meta, hist = keys[3 * i], keys[3 * i + 1], keys[3 * i + 2]
  check_doc_key(key, p)
  if meta ~= meta_of(p, key) or hist ~= hist_of(p, key) then
    fail('SS_KEYS', quote(key) .. ': its keys in a transaction are ' .. meta_of(p, key) .. ' ' .. hist_of(p, key))
  end
  local kind = argv[a]
  if kind ~= 'put' and kind ~= 'del' then
    fail('SS_INVALID', 'transaction operation must be put or del, got ' .. quote(tostring(kind)))
  end
  local args = {ifrev = argv[a + 1], ttl = argv[a + 2]}
  local spec = {kind = kind, op = kind, ifrev = int_opt(args, 'ifrev', nil), ttl = int_opt(args, 'ttl', nil),
                value = argv[a + 3], change = argv[a + 4]}
  return {d = doc_keys(key, meta, hist, p), spec = spec}
end

-- ss_tx: KEYS feed, index, then (document, metadata, history) per document. ARGV options
-- (writer, mode, histmax, histage, src), `--`, then OP IFREV TTL VALUE CHANGE per document,
-- OP put|del, '' for "not given". Reply: {{revision, feed entry id}, ...} in document order.
-- Errors: as ss_put and ss_del, for any document. Every document is read and checked (expiries
-- applied virtually) before the first write, so a transaction commits whole or not at all.
local function transaction(keys, argv)
  if #keys < 5 or (#keys - 2) % 3 ~= 0 then
    fail('SS_INVALID', 'expected feed, index and three keys per document, got ' .. #keys .. ' keys')
  end
  local p, tag = slot_parts(keys[1], 'feed')
  if keys[2] ~= p .. 'index' .. tag then
    fail('SS_KEYS', 'the second key of a transaction must be ' .. p .. 'index' .. tag .. ', got ' .. quote(keys[2]))
  end
  local o, next_arg = parse_opts(argv, 1, TX_OPTS)
  local ctx = context(o, p, 'tx', keys[1])
  local count = (#keys - 2) / 3
  if #argv - next_arg + 1 ~= count * 5 then
    fail('SS_INVALID', 'expected 5 arguments per document after "--" for ' .. count .. ' documents')
  end
  local docs, seen = {}, {}
  for i = 1, count do
    local e = tx_document(keys, i, argv, next_arg + (i - 1) * 5, p)
    if seen[e.d.key] then
      fail('SS_INVALID', quote(e.d.key) .. ' appears twice in one transaction')
    end
    seen[e.d.key] = true
    docs[i] = e
  end
  for _, e in ipairs(docs) do
    e.st = load_state(e.d)
    expire_virtually(e.st)
    validate_whole(e.d, e.st, ctx, e.spec)
  end
  for _, e in ipairs(docs) do
    commit_expiry(e.d, e.st, ctx)
  end
  local replies = {}
  for i, e in ipairs(docs) do
    replies[i] = apply_whole(e.d, e.st, ctx, e.spec)
  end
  return replies
end
register('ss_tx', transaction)
