#!lua name=statestore_bench_floor
-- The store benchmark's "floor" (FloorContender, docs/benchmarks.md "The floor"): only the writes
-- statestore's contract requires for one update, nothing read or checked, so that statestore's
-- own function can be measured against what no function-based design can beat.

-- floor_write: one update.
--   KEYS[1] the document, KEYS[2] its metadata hash, KEYS[3] the feed stream
--   ARGV[1] the document's bytes, ARGV[2] the new revision, ARGV[3] the previous one,
--   ARGV[4] the operation's name, ARGV[5] the feed's MAXLEN (~), ARGV[6] what changed (JSON)
--   Reply: {revision, feed entry ID}
redis.register_function('floor_write', function(keys, argv)
  local now = redis.call('TIME')[1]
  redis.call('SET', keys[1], argv[1], 'KEEPTTL')
  local id = redis.call('XADD', keys[3], 'MAXLEN', '~', argv[5], '*', 'key', keys[1], 'op', argv[4],
    'rev', argv[2], 'prev', argv[3], 'writer', 'bench', 'time', now, 'change', argv[6])
  redis.call('PUBLISH', 'floor:c:' .. keys[1], '{"key":"' .. keys[1] .. '","rev":' .. argv[2] .. ',"id":"' .. id .. '"}')
  redis.call('HSET', keys[2], 'rev', argv[2], 'mtime', now, 'writer', 'bench')
  return {tonumber(argv[2]), id}
end)
