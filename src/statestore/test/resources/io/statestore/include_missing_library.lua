#!lua name=include_missing
local LIB_VERSION = '1'
-- #include no_such_fragment.lua
redis.register_function('im_version', function() return LIB_VERSION end)
