--[[
Extends a lease only if the caller still holds it (compare-and-pexpire).
KEYS[1] lease key   ARGV[1] owner   ARGV[2] new lease time in ms
Reply: 1 when extended, 0 when the lease belongs to someone else or expired (nothing changes).
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
