--[[
Releases a lease only if the caller still holds it (compare-and-delete).
KEYS[1] lease key   ARGV[1] owner
Reply: 1 when released, 0 when the lease belongs to someone else or expired (nothing changes).
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
