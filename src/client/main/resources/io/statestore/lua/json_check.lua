--[[ json_check: the server's definition of valid JSON (docs/json.md), shared by both libraries
(included after common.lua, whose fail() it raises its errors with).

check_json(text, what) raises "SS_JSON <what>: <problem>" or returns nothing. It accepts
exactly what the Java strict reader accepts (the corpus src/test/resources/json-corpus runs
through both): RFC 8259 syntax with nothing after the value, no NaN/Infinity/hex/leading zeros,
no duplicate member names, valid UTF-8 without unpaired surrogates, no raw control characters
inside strings, nesting at most JSON_MAX_DEPTH levels, number literals at most JSON_MAX_NUMBER
characters, at most JSON_MAX_BYTES bytes.

Lua's cjson decodes at C speed and refuses most of what JSON forbids (with decode_invalid_numbers
off): syntax, trailing content, NaN/Infinity/hex/leading zeros/"+1", bad escapes, unpaired
surrogate escapes, control characters between tokens, depth. Cheap passes catch the rest:
  * NUL bytes (cjson stops reading at one): a plain find;
  * control characters inside strings and invalid UTF-8: one pass keeps only what is not
    printable ASCII (usually a few bytes), and the checks run over that;
  * duplicate names (cjson keeps the last): the ':' outside strings must equal the names decoded;
  * "1." "-.5" "0.e1" (its strtod takes them): a plain find for each shape;
  * numbers over the length: screened by runs of digits, checked exactly only when one is long.
The last three read the text with its strings blanked, which costs more than the rest together;
so each is first tried by a screen over the whole text that can only show a pass (plain finds of
':' and '.', the decoded names), and the strings are blanked only when a screen shows nothing
(docs/json.md, "The fast path", has why each screen is sound; ServerJsonDifferentialTest
compares the verdicts and words with the exact passes alone).
A Lua scanner over every byte costs about ten times more. Patterns are shaped to consume long
runs in one match (one tried at every position costs ~13 ns a byte, a range class less than a
%-class); docs/benchmarks.md has the costs of each pass. ]]
local JSON_MAX_DEPTH = 128
local JSON_MAX_NUMBER = 100
local JSON_MAX_BYTES = 16 * 1024 * 1024

-- The standard functions the checks call most, bound on first use (load time has no standard
-- library): an upvalue costs less than a global lookup, on every byte-heavy call.
local j_type, j_pairs, j_find, j_gsub, j_byte

local function bind_json()
  j_type, j_pairs, j_find, j_gsub, j_byte = type, pairs, string.find, string.gsub, string.byte
end

local function json_fail(what, why)
  fail('SS_JSON', what .. ': ' .. why)
end

-- Valid UTF-8 sequences of two to four bytes (no overlongs, no surrogates, at most U+10FFFF),
-- the commonest first: each pass shrinks what the next ones scan.
local UTF8_SEQ = {
  '[\194-\223][\128-\191]', '[\225-\236\238\239][\128-\191][\128-\191]',
  '\240[\144-\191][\128-\191][\128-\191]', '\224[\160-\191][\128-\191]', '\237[\128-\159][\128-\191]',
  '[\241-\243][\128-\191][\128-\191][\128-\191]', '\244[\128-\143][\128-\191][\128-\191]',
}

-- Whether s (known to hold a byte above 127) is valid UTF-8; squeezed: runs of ASCII in s are
-- already one byte each.
local function utf8_valid(s, squeezed)
  -- Runs of ASCII shrink to one '.' first, so the passes below run over the other bytes only;
  -- the '.' keeps bytes that were apart from pairing up.
  local t = s
  if not squeezed then
    t = string.gsub(s, '[^\128-\255]+', '.')
  end
  for _, p in ipairs(UTF8_SEQ) do
    local n
    t, n = string.gsub(t, p, '.')
    if n > 64 then
      t = string.gsub(t, '[^\128-\255]+', '.') -- text in one script: the dots are most of it now
    end
  end
  return string.find(t, '^[^\128-\255]*$') ~= nil
end

-- The member names in a decoded tree (cjson keeps one of duplicate names). cjson makes an
-- array a table with keys 1..n and an object one with string keys only, so # tells them apart.
local function count_names(v)
  local names = 0
  local n = #v
  if n > 0 then
    for i = 1, n do
      local c = v[i]
      if j_type(c) == 'table' then
        names = names + count_names(c)
      end
    end
    return names
  end
  for _, c in j_pairs(v) do
    names = names + 1
    if j_type(c) == 'table' then
      names = names + count_names(c)
    end
  end
  return names
end

-- The text with every \\ and \" turned into filler, so that strings hold no quote and pair up.
-- cjson has already refused bad escapes and unpaired surrogate escapes, and the other escapes
-- hold no quote, so these two are all that matter here.
local function without_escapes(s)
  return (j_gsub(s, '\\[\\"]', '__'))
end

local LONG_NUMBER, LONG_DIGITS = nil, nil -- built on first use: load time has no string library

local function check_numbers(outside, what)
  if string.find(outside, '.', 1, true) then
    for _, shape in ipairs({'-.', '.,', '.]', '.}', '.e', '.E', '. ', '.\n', '.\r', '.\t'}) do
      if string.find(outside, shape, 1, true) then
        json_fail(what, 'invalid number (a "." needs digits on both sides)')
      end
    end
    if string.sub(outside, -1) == '.' then
      json_fail(what, 'invalid number (a "." needs digits on both sides)')
    end
  end
  if #outside > JSON_MAX_NUMBER then
    -- A longer number has a run of at least LONG_DIGITS digits (at most four of its characters
    -- are not digits, so they split it in three at most): a cheap screen, where the digits alone
    -- are kept by a pattern that consumes everything else in long runs.
    -- (ranges, not %d: a character class calls a C function per byte, a range compares)
    LONG_DIGITS = LONG_DIGITS or string.rep('[0-9]', math.ceil((JSON_MAX_NUMBER + 1 - 4) / 3))
    if not string.find(string.gsub(outside, '[^0-9]+', ' '), LONG_DIGITS) then
      return
    end
    -- The number characters alone, runs apart; a frontier pattern then starts only at a run.
    local numbers = string.gsub(outside, '[^-+.0-9eE]+', ' ')
    if #numbers > JSON_MAX_NUMBER then
      LONG_NUMBER = LONG_NUMBER or ('%f[^ ]' .. string.rep('[^ ]', JSON_MAX_NUMBER + 1))
      if string.find(' ' .. numbers, LONG_NUMBER) then -- the frontier needs a character before
        json_fail(what, 'number longer than ' .. JSON_MAX_NUMBER .. ' characters')
      end
    end
  end
end

-- The text with its strings blanked to "" (what the exact checks of names and numbers read).
-- With tabs or line breaks in the text (rest holds them), it also refuses a string holding one.
local function strings_blanked(s, what, breaks)
  local t = s
  if j_find(s, '\\', 1, true) then
    t = without_escapes(s)
  end
  if not breaks then
    return (j_gsub(t, '"[^"]*"', '""'))
  end
  -- Line breaks and tabs are fine between tokens: a string holding one is not matched by the
  -- pattern, so fewer strings match than the text has (each match takes two quotes in turn).
  local outside, quoted = j_gsub(t, '"[^"\1-\31]*"', '""')
  if 2 * quoted ~= #j_gsub(t, '[^"]+', '') then
    json_fail(what, 'control character inside a string')
  end
  return outside
end

-- The ':' in s, one plain find each (memchr speed; a pattern pass costs far more per byte).
local function colons_in(s)
  local c = 0
  local i = j_find(s, ':', 1, true)
  while i do
    c = c + 1
    i = j_find(s, ':', i + 1, true)
  end
  return c
end

-- Whether s[a..b] holds a run of LONG_DIGITS digits (a number over the limit has one).
local function long_digit_run(s, a, b)
  local seg = string.sub(s, a, b)
  if j_find(seg, '^[^0-9]*$') then
    return false
  end
  return j_find(j_gsub(seg, '[^0-9]+', ' '), LONG_DIGITS) ~= nil
end

-- The ':' in s, and whether a number over the limit may be there: no number holds a ':', so
-- each lies between two ':' of the text (or before the first, or after the last); where they
-- are at most JSON_MAX_NUMBER apart no number is longer, and a longer stretch without a run of
-- LONG_DIGITS digits holds none either (check_numbers: a longer number has such a run).
local function colons_and_long(s)
  LONG_DIGITS = LONG_DIGITS or string.rep('[0-9]', math.ceil((JSON_MAX_NUMBER + 1 - 4) / 3))
  local c, long, from = 0, false, 1
  local i = j_find(s, ':', 1, true)
  while i do
    c = c + 1
    if i - from > JSON_MAX_NUMBER and not long then
      long = long_digit_run(s, from, i - 1)
    end
    from = i + 1
    i = j_find(s, ':', from, true)
  end
  if #s + 1 - from > JSON_MAX_NUMBER and not long then
    long = long_digit_run(s, from, #s)
  end
  return c, long
end

-- The ':' inside the decoded string values of a tree (member names left out: below).
local function value_colons(v)
  local c = 0
  for _, x in j_pairs(v) do
    local t = j_type(x)
    if t == 'table' then
      c = c + value_colons(x)
    elseif t == 'string' and j_find(x, ':', 1, true) then
      c = c + colons_in(x)
    end
  end
  return c
end

-- Whether the tree cjson decoded from s has every member s has (no duplicate names), told
-- without blanking the strings of s; false: not shown, the exact check decides. colons: the ':'
-- in s. docs/json.md, "The fast path", has the argument: every member has its ':' outside
-- strings, and every ':' inside a string of the text is one in a decoded string unless an
-- escape \u003a made it, so colons >= names + decoded colons (of names and values), equal only
-- without duplicates. Counting the values' alone is enough: equality with them leaves no room
-- for a ':' in a name, and a name holding one (rare) sends the text to the exact check.
local function names_shown_unique(s, tree, colons)
  local names = count_names(tree)
  if names == colons then
    return true
  end
  if j_find(s, '\\u003', 1, true) then -- \u003a or \u003A: a decoded ':' the text lacks
    return false
  end
  return names + value_colons(tree) == colons
end

-- Bytes of the characters that may follow a number's '.' outside strings in a text cjson
-- decoded: the number's own characters, or the end of the value (whitespace, ',', ']', '}').
-- (a constructor: load time has no library to build it with)
local AFTER_NUMBER_DOT = {
  [48] = true, [49] = true, [50] = true, [51] = true, [52] = true, [53] = true, [54] = true,
  [55] = true, [56] = true, [57] = true, -- 0-9
  [43] = true, [45] = true, [46] = true, [69] = true, [101] = true, -- + - . E e
  [44] = true, [93] = true, [125] = true, [32] = true, [9] = true, [10] = true, [13] = true, -- , ] } sp \t \n \r
}

local WHITESPACE = {[32] = true, [9] = true, [10] = true, [13] = true}
-- What may follow whitespace after a value outside strings: more of it, ',', ']', '}'.
local AFTER_SPACE = {[32] = true, [9] = true, [10] = true, [13] = true, [44] = true, [93] = true, [125] = true}

-- Whether check_numbers would pass the text, shown without blanking its strings; false: not
-- shown. long: colons_and_long found a run of digits a number over the limit could hold.
local function numbers_shown_ordinary(s, long)
  if long then
    return false
  end
  -- Each '.': a digit on both sides is an ordinary number's (or a string's); otherwise it must
  -- be shown to be inside a string by a neighbour no number's '.' can have outside strings:
  -- before it, anything but a digit or '-' (cjson starts a number with '-' or a digit only, and
  -- strtod takes a '.' only after those); after it, anything but AFTER_NUMBER_DOT; or after it
  -- one whitespace and then anything but whitespace, ',', ']' or '}' (after a value outside
  -- strings, whitespace leads to one of those or to the end): "step 2. Next".
  local n = #s
  local i = j_find(s, '.', 1, true)
  while i do
    if i == 1 or i == n then
      return false
    end
    local p, _, q, r = j_byte(s, i - 1, i + 2)
    local p_digit = p >= 48 and p <= 57
    if not (p_digit and q >= 48 and q <= 57) and (p_digit or p == 45) and AFTER_NUMBER_DOT[q]
        and not (r and WHITESPACE[q] and not AFTER_SPACE[r]) then
      return false
    end
    i = j_find(s, '.', i + 1, true)
  end
  return true
end

local function check_json(s, what)
  if not j_find then
    bind_json()
  end
  local n = #s
  if n == 0 then
    json_fail(what, 'empty')
  end
  if n > JSON_MAX_BYTES then
    json_fail(what, 'larger than ' .. JSON_MAX_BYTES .. ' bytes')
  end
  if j_find(s, '\0', 1, true) then
    json_fail(what, 'NUL byte')
  end
  -- Small scalars (the values of most field updates) are taken as they are: these shapes are
  -- valid JSON by construction (an integer without leading zeros, a string of printable ASCII
  -- without quote or backslash, a literal).
  if n <= JSON_MAX_NUMBER and (j_find(s, '^%-?[1-9][0-9]*$') or j_find(s, '^"[] !#-[^-~]*"$')
      or s == '0' or s == 'true' or s == 'false' or s == 'null') then
    return
  end
  cjson.decode_invalid_numbers(false)
  cjson.decode_max_depth(JSON_MAX_DEPTH)
  local ok, tree = pcall(cjson.decode, s)
  if not ok then
    local why = tostring(tree)
    if j_find(why, 'too many nested', 1, true) then
      json_fail(what, 'nested deeper than ' .. JSON_MAX_DEPTH .. ' levels')
    end
    json_fail(what, 'not JSON (' .. j_gsub(why, '^.-: ', '') .. ')')
  end
  -- The passes below run in the order of their refusals (control characters, UTF-8, a string
  -- holding a line break, duplicate names, numbers), so a text with two problems gets the same
  -- words whichever way each pass is decided. The checks of names and numbers are first tried
  -- on the whole text (a screen that can only show a pass), and read the text with its strings
  -- blanked, which costs more, only when the screen shows nothing (docs/json.md, "The fast path").
  -- What is not printable ASCII, a '.' for each run of it: only control characters, line
  -- breaks and bytes above 127 stay, so the checks of those run over a short string.
  local rest = j_gsub(s, '[ -\127]+', '.')
  local outside
  if #rest > 1 then
    if not j_find(rest, '^[^\1-\8\11\12\14-\31]*$') then
      json_fail(what, 'control character inside a string') -- cjson refused any outside strings
    end
    if j_find(rest, '[\128-\255]') and not utf8_valid(rest, true) then
      json_fail(what, 'not valid UTF-8')
    end
    if j_find(rest, '[\t\n\r]') then
      outside = strings_blanked(s, what, true)
    end
  end
  local colons, long = colons_and_long(s)
  if colons > 0 and j_type(tree) == 'table' and not names_shown_unique(s, tree, colons) then
    outside = outside or strings_blanked(s, what, false)
    if j_find(outside, ':', 1, true) and #j_gsub(outside, '[^:]+', '') ~= count_names(tree) then
      json_fail(what, 'duplicate member name')
    end
  end
  if not numbers_shown_ordinary(s, long) then
    check_numbers(outside or strings_blanked(s, what, false), what)
  end
  return tree
end

-- A JSON module refuses a number beyond the range of a double (1e400): valid JSON, so the
-- check above lets it through, but a value written in place must not fail half way through a
-- call. tree: what check_json returned (nil: a small scalar, always in range).
local function check_for_module(tree, what)
  local t = j_type(tree)
  if t == 'number' then
    if tree == math.huge or tree == -math.huge then
      json_fail(what, 'a number beyond the range of a double, which the JSON module cannot store')
    end
  elseif t == 'table' then
    for _, v in j_pairs(tree) do
      check_for_module(v, what)
    end
  end
end
