#!lua flags=no-writes
--[[
Counts the entries a stream received in the last ARGV[1] ms by the server's clock (entry IDs carry
it), up to ARGV[2] of them, without sending them: the dashboard's rate over the last minute
(docs/dashboard-ops.md). Reading them to the daemon instead cost it the entries' payloads, about
2 MB per refresh of the Events page with ten busy streams of 1 KB events. Reads only.
KEYS[1] the stream   ARGV[1] the window in ms   ARGV[2] the most entries to count
Reply: {count, the ID of the oldest entry counted ('' when none), now in ms (server clock)}.
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local entries = redis.call('XREVRANGE', KEYS[1], '+', (now - tonumber(ARGV[1])) .. '-0', 'COUNT', tonumber(ARGV[2]))
local n = #entries
if n == 0 then
  return {0, '', now}
end
return {n, entries[n][1], now}
