#!lua name=stream_id_test
-- A library for StreamIdOrderTest: common.lua's stream-ID comparison, callable from Java.
local LIB_VERSION = '1'
-- #include common.lua
register('sid_version', function() return LIB_VERSION end, {'no-writes'})
register('sid_cmp', function(keys, argv) return cmp_id(argv[1], argv[2]) end, {'no-writes'})
