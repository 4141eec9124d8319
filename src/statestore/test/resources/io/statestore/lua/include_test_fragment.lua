-- shared by include_test_library.lua
local function double(x)
  return tonumber(x) * 2
end
