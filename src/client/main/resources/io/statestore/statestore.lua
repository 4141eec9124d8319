#!lua name=statestore
--[[
statestore server-side function library (protocol reference: docs/protocol.md; what each
version changed: its "Library versions"). Built from the parts under lua/: each include line
below is replaced by its part when the library is loaded (docs/functions.md). Each function's
header comment sits beside its register() call.

Rules every function here follows:
  * Document content passes through Lua as opaque strings. cjson is never used on it:
    it turns [] into {}, rounds numbers to 14 digits and accepts NaN.
  * A write validates everything before its first write command, because Redis does
    not roll back a script that fails half way.
  * Every committed change raises the document's revision by exactly one and appends
    exactly one entry to the feed stream, then PUBLISHes a notification.

  * The functions are the trust boundary: whatever a caller sends, a call
    either commits a change that keeps every rule or fails before its first write. They check
    every JSON value (json_check), derive the internal keys from the document key and refuse
    KEYS that differ, refuse document keys under an internal prefix, take the feed length
    from the store's settings, and bind write IDs to their arguments.

Keys of a single-document call, always in this order:
  KEYS[1] document   KEYS[2] metadata hash   KEYS[3] history stream
  KEYS[4] feed stream   KEYS[5] index sorted set
with, for the prefix P (KEYS[4] is P.."feed"): metadata P.."m:{"..doc.."}" and history
P.."h:{"..doc.."}", or P.."mt:"..doc and P.."ht:"..doc when doc has a hash tag of its own.
On Redis Cluster the feed and index are those of the document's slot, P.."feed{T}" and
P.."index{T}" with T the tag of that slot (docs/cluster.md).
Options are name/value pairs in ARGV, in any order; `--` ends them where steps follow.
Errors are replies whose first word is the error code: SS_CONFLICT, SS_NOTFOUND, SS_INVALID,
SS_PATH, SS_TYPE, SS_STRINGDOC, SS_WRONGTYPE, SS_KEY, SS_KEYS, SS_JSON, SS_WID, SS_INTERNAL,
SS_CHAINSTOP (a link of ss_chain not applied because an earlier one failed).
]]

local LIB_VERSION = '17'
local JSON_TYPE = 'ReJSON-RL'

-- #include common.lua
-- #include json_check.lua
-- #include ss_keys.lua
-- #include ss_context.lua
-- #include ss_commit.lua
-- #include ss_whole.lua
-- #include ss_write.lua
-- #include ss_steps.lua
-- #include ss_jwrite.lua
-- #include ss_chain.lua
-- #include ss_tx.lua
-- #include ss_reads.lua
-- #include ss_feed.lua
-- #include ss_admin.lua

-- ss_version: KEYS none. ARGV none. Reply: the library version (string). Errors: none.
register('ss_version', function() return LIB_VERSION end, {'no-writes'})
