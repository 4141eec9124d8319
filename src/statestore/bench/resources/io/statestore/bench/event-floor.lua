#!lua name=statestore_bench_event_floor
-- The event benchmark's "floor" (EventFloor, docs/benchmarks-events.md round 4): only what the
-- publish contract requires, so that ev_publish_batch can be measured against it.

-- ev_floor_publish: one event, unless its ID was seen before.
--   KEYS[1] the type stream, KEYS[2] the global stream, KEYS[3] the sorted set of seen IDs
--   ARGV[1] event ID, ARGV[2] type, ARGV[3] source, ARGV[4] time (ms, also the ID's score), ARGV[5] data
--   Reply: 1 written, 0 a re-sent ID (nothing written)
redis.register_function('ev_floor_publish', function(keys, argv)
  if redis.call('ZADD', keys[3], 'NX', argv[4], argv[1]) == 0 then
    return 0
  end
  redis.call('XADD', keys[1], '*', 'id', argv[1], 'type', argv[2], 'src', argv[3], 'time', argv[4], 'data', argv[5])
  redis.call('XADD', keys[2], '*', 'id', argv[1], 'type', argv[2], 'src', argv[3], 'time', argv[4], 'data', argv[5])
  return 1
end)
