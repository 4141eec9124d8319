--[[
Releases or renews a lease only if the caller still owns it.
KEYS[1] lease key   ARGV[1] owner   ARGV[2] 0 to release, or a new lease time in ms to renew
Reply: 1 when done, 0 when the lease belongs to someone else (or expired).
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == '0' then
  redis.call('DEL', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
