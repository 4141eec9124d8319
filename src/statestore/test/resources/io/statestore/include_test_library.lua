#!lua name=include_test
-- A library for FunctionLibraryTest: its code comes partly from lua/include_test_fragment.lua.
local LIB_VERSION = '3'
-- #include include_test_fragment.lua
  -- #include include_test_fragment.lua
redis.register_function('it_version', function() return LIB_VERSION end)
redis.register_function{function_name = 'it_twice', callback = function(keys, argv) return double(argv[1]) end}
