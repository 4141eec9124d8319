#!lua flags=allow-oom
--[[
Records one heartbeat of a daemon, timed by the server's clock (so that `statestore status` on
any host judges its age against the same clock). allow-oom: a daemon over maxmemory is still
alive, and says so; the entry is a few hundred bytes, replaced in place.
KEYS[1] the daemons hash (<prefix>daemons)   KEYS[2] the daemon's heartbeat key (<prefix>heartbeat:<id>)
ARGV[1] daemon id   ARGV[2] its entry as a JSON object (pid, host, started, interval_ms)
ARGV[3] the heartbeat key's value   ARGV[4] the heartbeat key's TTL in ms
Reply: the beat's time, epoch ms (server clock).
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local entry = cjson.decode(ARGV[2])
entry['beat_ms'] = now
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return now
