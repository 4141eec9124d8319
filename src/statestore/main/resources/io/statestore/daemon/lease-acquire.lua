--[[
Claims one scheduled run of a daemon job.
KEYS[1] lease key (<prefix>lease:<job>)   KEYS[2] last-run key (<prefix>lastrun:<job>)
ARGV[1] owner (daemon id)   ARGV[2] lease time in ms   ARGV[3] scheduled fire time in ms
Reply: 1 when this daemon now holds the lease and the run is its to execute;
       0 when another daemon holds the lease, or this fire time already ran elsewhere.
]]
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) == false then
  return 0
end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if last >= tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[1])
  return 0
end
redis.call('SET', KEYS[2], ARGV[3])
return 1
