--[[ ss_steps (part of statestore.lua): in-place JSON steps (module mode), ss_jop and the
general path of ss_jwrite. Steps follow `--` in ARGV:
  root JSON                  replace the whole document
  obj PATH PARENT            make PATH an object unless it is one (parent must be an object)
  set PATH PARENT SLOT JSON  set a member (SLOT "m") or an existing array element (SLOT = index)
  del PATH                   remove PATH if present (merge semantics)
  rm PATH                    remove PATH, which must exist
  incr PATH NUMBER           add to the number at PATH; reply carries the new value
  append PATH MAX JSON       append to the array at PATH, keeping at most MAX (0 = no limit) ]]

local STEP_ARITY = {root = 1, obj = 2, set = 4, del = 1, rm = 1, incr = 2, append = 3}

-- JSON.TYPE with a $-path replies with a list of status replies: {{ok='object'}}, or {} when
-- the path does not exist.
local function json_type(key, path)
  local r = redis.call('JSON.TYPE', key, path)
  if type(r) == 'table' and r.ok == nil then
    r = r[1]
  end
  if type(r) == 'table' then
    r = r.ok
  end
  if r == nil or r == false then
    return nil
  end
  return r
end

local function parse_steps(argv, from)
  local steps = {}
  local i = from
  while i <= #argv do
    local name = argv[i]
    local n = STEP_ARITY[name]
    if n == nil then
      fail('SS_INVALID', 'unknown step "' .. tostring(name) .. '"')
    end
    if i + n > #argv then
      fail('SS_INVALID', 'step "' .. name .. '" needs ' .. n .. ' arguments')
    end
    local s = {name = name}
    for j = 1, n do
      s[j] = argv[i + j]
    end
    steps[#steps + 1] = s
    i = i + n + 1
  end
  if #steps == 0 then
    fail('SS_INVALID', 'no steps given after "--"')
  end
  return steps
end

-- Checks every step against the document as it stands, remembering which paths earlier
-- steps of this call turn into objects, so a merge's steps validate as a whole.
local function validate_steps(d, st, steps)
  local made = {}
  local function is_object(path)
    if made[path] then
      return true
    end
    return st.exists and json_type(d.key, path) == 'object'
  end
  for _, s in ipairs(steps) do
    local n = s.name
    if n == 'root' then
      made = {}
    elseif n == 'obj' then
      if s[1] ~= '$' and not is_object(s[2]) then
        fail('SS_PATH', quote(d.key) .. ': parent of ' .. s[1] .. ' is not an object')
      end
      made[s[1]] = true
    elseif n == 'set' then
      if s[3] == 'm' then
        if not is_object(s[2]) then
          fail('SS_PATH', quote(d.key) .. ': ' .. s[2] .. ' does not exist or is not an object')
        end
      else
        local t = st.exists and json_type(d.key, s[2])
        if t ~= 'array' then
          fail('SS_PATH', quote(d.key) .. ': ' .. s[2] .. ' does not exist or is not an array')
        end
        local len = redis.call('JSON.ARRLEN', d.key, s[2])
        if type(len) == 'table' then
          len = len[1]
        end
        if tonumber(s[3]) >= len then
          fail('SS_PATH', quote(d.key) .. ': index ' .. s[3] .. ' is out of range for ' .. s[2] ..
            ' (length ' .. len .. ')')
        end
      end
      made[s[1]] = nil
    elseif n == 'rm' then
      if not st.exists or json_type(d.key, s[1]) == nil then
        fail('SS_PATH', quote(d.key) .. ': ' .. s[1] .. ' does not exist')
      end
    elseif n == 'incr' then
      if not string.match(s[2], '^%-?%d+%.?%d*[eE]?[%+%-]?%d*$') then
        fail('SS_INVALID', 'increment "' .. s[2] .. '" is not a number')
      end
      local t = st.exists and json_type(d.key, s[1])
      if t ~= 'integer' and t ~= 'number' then
        if not t then
          fail('SS_PATH', quote(d.key) .. ': ' .. s[1] .. ' does not exist')
        end
        fail('SS_TYPE', quote(d.key) .. ': ' .. s[1] .. ' is ' .. t .. ', not a number')
      end
    elseif n == 'append' then
      if not string.match(s[2], '^%d+$') then
        fail('SS_INVALID', 'maximum length "' .. s[2] .. '" is not a non-negative integer')
      end
      local t = st.exists and json_type(d.key, s[1])
      if t ~= 'array' then
        if not t then
          fail('SS_PATH', quote(d.key) .. ': ' .. s[1] .. ' does not exist')
        end
        fail('SS_TYPE', quote(d.key) .. ': ' .. s[1] .. ' is ' .. t .. ', not an array')
      end
    end
  end
end

local function apply_steps(d, st, steps)
  local keep = -1
  if st.exists then
    keep = redis.call('PTTL', d.key)
  end
  local result = nil
  for _, s in ipairs(steps) do
    local n = s.name
    if n == 'root' then
      redis.call('JSON.SET', d.key, '$', s[1])
    elseif n == 'obj' then
      local exists = redis.call('EXISTS', d.key) == 1
      if not exists or json_type(d.key, s[1]) ~= 'object' then
        redis.call('JSON.SET', d.key, s[1], '{}')
      end
    elseif n == 'set' then
      redis.call('JSON.SET', d.key, s[1], s[4])
    elseif n == 'del' or n == 'rm' then
      redis.call('JSON.DEL', d.key, s[1])
    elseif n == 'incr' then
      result = redis.call('JSON.NUMINCRBY', d.key, s[1], s[2])
    elseif n == 'append' then
      local len = redis.call('JSON.ARRAPPEND', d.key, s[1], s[3])
      if type(len) == 'table' then
        len = len[1]
      end
      local max = tonumber(s[2])
      if max > 0 and len > max then
        -- ARRTRIM does not count negative indexes from the end on every module: be explicit.
        redis.call('JSON.ARRTRIM', d.key, s[1], len - max, len - 1)
      end
    end
  end
  if keep > 0 and redis.call('PTTL', d.key) < 0 then
    redis.call('PEXPIRE', d.key, keep)
  end
  return result
end

local STEP_OPTS = {writer = true, ifrev = true, op = true, change = true, mode = true,
                   feedmax = true, histmax = true, histage = true, src = true, wid = true}

local STEP_VALUE = {root = 1, set = 4, append = 3} -- which argument of a step is a JSON value

-- The JSON values of steps argv[from..], and the change, before anything is written.
local function check_step_values(ctx, key, argv, from, change)
  if not ctx.jsoncheck then
    return
  end
  -- the words an error would use, built once per step name (a merge's steps are mostly sets):
  -- building them per value cost as much as checking a small value
  local named, what = nil, nil
  local i, na = from, #argv
  while i <= na do
    local name = argv[i]
    local v = STEP_VALUE[name]
    if v then
      if name ~= named then
        named, what = name, 'value of step "' .. name .. '" for ' .. quote(key)
      end
      check_value(ctx, argv[i + v], what, true)
    elseif name == 'incr' then
      local by = argv[i + 2] or ''
      local n = tonumber(by)
      if #by > JSON_MAX_NUMBER or (n and (n == math.huge or n == -math.huge)) then
        fail('SS_INVALID', 'increment of ' .. quote(key) .. ' is longer than ' .. JSON_MAX_NUMBER
          .. ' characters or beyond the range of a double')
      end
    end
    i = i + (STEP_ARITY[name] or 0) + 1
  end
  if change ~= nil and change ~= '' then
    check_json(change, 'change of ' .. quote(key))
  end
end

-- (mode is left out: steps always write JSON, so it changes nothing about them)
local function steps_sig(ctx, argv, from, op, o)
  return write_sig('steps', op, table.concat(argv, '\0', from, #argv), o.change, o.ifrev, nil, ctx.writer,
    nil, o.histmax, o.histage, o.src)
end

-- d: the document's keys; o: the options; from: the first step in argv; pre (optional): what
-- ss_jwrite's fast path already read ({st =, policy =}).
local function json_steps_opts(d, keys, o, argv, from, pre)
  local ctx = context(o, d.p, 'steps', keys[4])
  local op = (o.op ~= nil and o.op ~= '') and o.op or 'patch'
  local steps = parse_steps(argv, from)
  local st = preloaded_state(d, ctx, pre)
  if ctx.wid then
    ctx.sig = steps_sig(ctx, argv, from, op, o)
    local again = replayed_sig(st, ctx.wid, ctx.sig)
    if again then
      return again
    end
  end
  check_op(op)
  check_step_values(ctx, d.key, argv, from, o.change)
  expire_virtually(st)
  check_writable_type(d, st)
  if st.typ == 'string' then
    fail('SS_STRINGDOC', quote(d.key) .. ' is stored as a JSON string; update it as a whole document')
  end
  check_revision(d, st, int_opt(o, 'ifrev', nil))
  local creates = steps[1].name == 'root' or (steps[1].name == 'obj' and steps[1][1] == '$')
  if not st.exists and not creates then
    fail('SS_NOTFOUND', quote(d.key) .. ' does not exist')
  end
  if not st.exists and not has_json_module(d.key) then
    fail('SS_INVALID', quote(d.key) .. ': in-place steps need a JSON module, and this server has none')
  end
  validate_steps(d, st, steps)
  commit_expiry(d, st, ctx)
  local value = apply_steps(d, st, steps)
  local content = nil
  if hist_for(d, ctx).n > 0 then
    content = redis.call('JSON.GET', d.key)
  end
  local reply = commit(d, st, ctx, op, o.change, false, content)
  if value ~= nil then
    if type(value) == 'table' then
      value = value[1]
    end
    reply[3] = value
  end
  return reply
end

-- ss_jop: KEYS as ss_put. ARGV options (ifrev, writer, op, change, mode, histmax, histage, src,
-- wid), `--`, then steps (above). Reply: {revision, feed entry id[, incr result]}.
-- Errors: SS_NOTFOUND, SS_CONFLICT, SS_PATH, SS_TYPE, SS_STRINGDOC, SS_WRONGTYPE, SS_INVALID.
local function json_steps(keys, argv)
  local d = single_doc(keys)
  local o, next_arg = parse_opts(argv, 1, STEP_OPTS)
  return json_steps_opts(d, keys, o, argv, next_arg, nil)
end
register('ss_jop', json_steps)
