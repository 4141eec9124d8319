--[[ common: the helpers both libraries (statestore, statestore_events) are built on, included
first by each: errors, number and time formatting, stream-ID comparison, and the registration
wrapper that turns errors into plain replies. Written once so the two libraries cannot drift. ]]

-- An error whose reply starts with its code ("SS_INVALID ..."): guarded() returns it as it is.
local function fail(code, msg)
  error({err = code .. ' ' .. msg})
end

-- An integer as decimal text, exact over the whole range a double holds exactly. Lua prints 14
-- significant digits, enough below 10^14 and cheaper than string.format; above, '%.0f'.
local function fmt(n)
  if n < 1e14 then
    return tostring(n)
  end
  return string.format('%.0f', n)
end

-- Server time in epoch milliseconds, as a string: built from TIME's strings without going
-- through a Lua number, whose formatting is among the costliest steps of a write.
local function now_ms()
  local t = redis.call('TIME')
  local us = t[2]
  if #us == 6 then
    return t[1] .. string.sub(us, 1, 3) -- nine times in ten: no padding to build
  end
  return t[1] .. string.sub(string.rep('0', 6 - #us) .. us, 1, 3)
end

-- Redis keeps both numbers of a stream ID "ms-seq" as unsigned 64-bit integers, and a Lua
-- number (a double) is exact only up to 2^53: IDs are compared as digit strings. The Java side
-- (FeedReads.compareIds) answers the same (StreamIdOrderTest).

-- The two numbers of a stream ID ("ms" alone: sequence 0) as digits without leading zeros, or
-- nil when id is not a stream ID.
local function id_parts(id)
  local ms, seq = string.match(id, '^(%d+)%-?(%d*)$')
  if ms == nil then
    return nil
  end
  return string.match(ms, '^0*(.-)$'), string.match(seq, '^0*(.-)$')
end

local function cmp_digits(a, b)
  if #a ~= #b then
    return #a < #b and -1 or 1
  end
  if a == b then
    return 0
  end
  return a < b and -1 or 1
end

-- Compares two stream IDs; -1, 0 or 1.
local function cmp_id(a, b)
  local am, as = id_parts(a)
  local bm, bs = id_parts(b)
  if am == nil or bm == nil then
    fail('SS_INVALID', 'invalid stream ID "' .. tostring(a) .. '" or "' .. tostring(b) .. '"')
  end
  local c = cmp_digits(am, bm)
  if c ~= 0 then
    return c
  end
  return cmp_digits(as, bs)
end

-- Errors raised with fail() become plain error replies ("SS_CONFLICT ..."), without the
-- script location Redis appends to errors that escape a function.
local function guarded(fn)
  return function(keys, argv)
    local ok, res = pcall(fn, keys, argv)
    if ok then
      return res
    end
    if type(res) == 'table' then
      res = res.err
    end
    res = tostring(res)
    if string.sub(res, 1, 3) == 'SS_' then
      return redis.error_reply(res)
    end
    -- Anything else is a bug or a server refusal met half way; the caller still gets a code.
    return redis.error_reply('SS_INTERNAL ' .. string.gsub(res, '^user_function:%d+: ', ''))
  end
end

local function register(name, fn, flags)
  redis.register_function{function_name = name, callback = guarded(fn), flags = flags or {}}
end
