"""Hostile and malformed calls, as a table: each row is (name, function, keys, argv, expected).

For every row the call must fail with exactly the expected SS_ code (the first word of the error)
or, for ANSWERED rows, answer without an error (a re-send, or nothing to do); and in either case every key of the database must
be byte-identical before and after (DUMP, TYPE; a TTL may only run down), the feed as long as
before, and nothing PUBLISHed (docs/protocol.md, "The trust boundary").

Every row runs against the same seeded database: documents of each kind (plain, with history,
with a TTL, tagged, a tombstone, one whose TTL ran out and is not reaped yet, one written with a
write ID, a foreign string, a hash), a history policy, store settings, an event with a consumer
group and task streams, so a call that wrongly writes has something to corrupt.
"""
import time
from collections import namedtuple

import redis

from . import harness as h
from .harness import doc_keys, error_code, pair_keys, tx_keys, write_argv

setUpModule, tearDownModule = h.module_server()

Row = namedtuple('Row', 'name function keys argv expected')
ANSWERED = 'an answer, not an error'

# --- the seeded database ----------------------------------------------------------------------

PLAIN = 'seed:plain'          # a string document at revision 1
HIST = 'seed:hist'            # revision 2, two history entries
TTL = 'seed:ttl'              # with a one-hour TTL
TAGGED = '{grp}seed'          # tagged: metadata at ss:mt:{grp}seed
TAGGED2 = '{grp}other'
GONE = 'seed:gone'            # a tombstone
EXPIRED = 'seed:expired'      # its TTL ran out; the expiry is not committed yet
WID = 'seed:wid'              # last written with SEED_WID_ARGV
WIDW = 'seed:widw'            # last written with ss_write SEED_WIDW_ARGV
POLICY = 'seed:policy1'       # follows the server history policy (3 versions)
FOREIGN = 'seed:foreign'      # a string written with SET, no metadata
HASH = 'seed:hash'            # a Redis hash
JSONDOC = 'seed:json'         # module mode: a native JSON document
ABSENT = 'seed:absent'        # never written
EVENT_TYPE = 'seed.event'
GROUP = 'seed-group'
TASK = 'seed-task'            # a running task stream
ENDED = 'seed-ended'          # an ended task stream

SEED_WID_ARGV = ['doc', b'{"w":1}', 'writer', 'seeder', 'wid', 'seed-wid-1']
SEED_WIDW_ARGV = write_argv(doc=b'{"w":2}', writer='seeder', wid='seed-wid-2')
PUBLISH_SETTINGS = ['1000000', '86400000', '2000000']


def publish_argv(event_id, data, event_type=EVENT_TYPE):
    return [event_id, event_type, 'adversary', '1795307409913', data] + PUBLISH_SETTINGS


def seed(store):
    store.reset()
    store.fcall('ss_config_set', [h.config_key()], ['feedmax', '100000', 'jsoncheck', 'on'])
    store.fcall('ss_hpolicy_set', [h.policy_key()], ['seed:policy*', '3', '0'])
    store.put(PLAIN, b'{"a":1}', 'writer', 'seeder')
    store.put(HIST, b'{"v":1}', 'histmax', '5')
    store.put(HIST, b'{"v":2}', 'histmax', '5')
    store.put(TTL, b'{"t":1}', 'ttl', '3600000')
    store.put(TAGGED, b'{"g":1}')
    store.put(TAGGED2, b'{"g":2}')
    store.put(GONE, b'{"x":1}')
    store.fcall('ss_del', doc_keys(GONE))
    store.put(EXPIRED, b'{"e":1}', 'ttl', '1')
    store.fcall('ss_put', doc_keys(WID), SEED_WID_ARGV)
    store.fcall('ss_write', doc_keys(WIDW), SEED_WIDW_ARGV)
    store.put(POLICY, b'[1]')
    store.put(POLICY, b'[2]')
    store.r.set(FOREIGN, b'{"f":1}')
    store.r.hset(HASH, 'f', 'v')
    if h.MODULE_MODE:
        store.put(JSONDOC, b'{"a":1,"arr":[1,2],"o":{"x":1}}', 'mode', 'json')
    store.fcall('ev_publish', h.ev_publish_keys(EVENT_TYPE), publish_argv('seed-event-1', b'{"n":1}'))
    store.r.xgroup_create(h.type_stream(EVENT_TYPE), GROUP, id='0')
    store.fcall('ev_publish', h.ev_publish_keys(EVENT_TYPE), publish_argv('seed-event-2', b'{"n":2}'))
    store.r.xreadgroup(GROUP, 'c1', {h.type_stream(EVENT_TYPE): '>'}, count=1)
    store.fcall('ev_task', [h.task_key(TASK)], ['chunk', b'"started"', '3600000'])
    store.fcall('ev_task', [h.task_key(ENDED)], ['chunk', b'"started"', '3600000'])
    store.fcall('ev_task', [h.task_key(ENDED)], ['end', 'done', 'ok', '3600000'])
    while store.r.exists(EXPIRED):
        time.sleep(0.002)


# --- row builders -----------------------------------------------------------------------------

def put(key, *argv, keys=None):
    return ('ss_put', doc_keys(key) if keys is None else keys, list(argv))


def write(key, keys=None, **args):
    return ('ss_write', doc_keys(key) if keys is None else keys, write_argv(**args))


def write_many(key, keys=None, **args):
    """ss_write_many with one write: its reply is a one-element array holding the error."""
    return ('ss_write_many', doc_keys(key) if keys is None else keys, write_argv(**args))


def tx(docs, entries, *options):
    argv = list(options) + ['--']
    for e in entries:
        argv += list(e)
    return ('ss_tx', tx_keys(docs), argv)


def tx_put(value=b'{}', ifrev='', ttl='', change=''):
    return ('put', ifrev, ttl, value, change)


def jop(key, steps, *options):
    return ('ss_jop', doc_keys(key), list(options) + ['--'] + list(steps))


def jwrite(key, steps, **args):
    return ('ss_jwrite', doc_keys(key), h.jwrite_argv(steps, **args))


def publish(data, event_id='adv-event'):
    return ('ev_publish', h.ev_publish_keys(EVENT_TYPE), publish_argv(event_id, data))


def publish_batch(data):
    """Two events; the second one's data is the one under test."""
    argv = PUBLISH_SETTINGS + ['adv-ok', EVENT_TYPE, 'adversary', '1', b'{"ok":1}',
                               'adv-bad', 'other.event', 'adversary', '2', data]
    return ('ev_publish_batch', h.ev_batch_keys(EVENT_TYPE, 'other.event'), argv)


def task_chunk(text, task=TASK):
    return ('ev_task', [h.task_key(task)], ['chunk', text, '3600000'])


def rows(expected, *named_calls):
    return [Row(name, fn, keys, argv, expected) for name, (fn, keys, argv) in named_calls]


# --- JSON samples -----------------------------------------------------------------------------

INVALID_JSON = [
    ('truncated object', b'{"a":'),
    ('NaN', b'{"a":NaN}'),
    ('Infinity', b'{"a":Infinity}'),
    ('-Infinity', b'{"a":-Infinity}'),
    ('duplicate member', b'{"a":1,"a":2}'),
    ('nested duplicate member', b'{"o":{"b":1,"b":2}}'),
    ('duplicate member in an array element', b'[{"a":1,"a":2}]'),
    ('duplicate member after unescaping', b'{"a":1,"\\u0061":2}'),
    ('duplicate quote member after unescaping', b'{"\\"":1,"\\u0022":2}'),
    ('trailing content', b'{"a":1} xyz'),
    ('second value', b'{} {}'),
    ('invalid UTF-8 byte', b'"\xff"'),
    ('lone continuation byte', b'"\x80"'),
    ('truncated UTF-8 sequence', b'"\xe2\x82"'),
    ('overlong UTF-8', b'"\xc0\xaf"'),
    ('overlong 3-byte UTF-8', b'"\xe0\x80\xaf"'),
    ('UTF-8-encoded surrogate', b'"\xed\xa0\x80"'),
    ('code point above U+10FFFF', b'"\xf4\x90\x80\x80"'),
    ('invalid UTF-8 in a member name', b'{"\xff":1}'),
    ('unpaired high surrogate escape', b'"\\ud800"'),
    ('unpaired low surrogate escape', b'"\\udc00"'),
    ('high surrogate escape before a letter', b'"\\ud800\\u0041"'),
    ('surrogate escapes reversed', b'"\\udc00\\ud800"'),
    ('leading zeros', b'007'),
    ('leading zero in an array', b'[01]'),
    ('no digit before the point', b'-.5'),
    ('no digit after the point', b'1.'),
    ('no digit after the point in an array', b'[1.]'),
    ('point right before an exponent', b'1.e5'),
    ('hex number', b'0x10'),
    ('plus sign', b'+1'),
    ('bare word', b'hello'),
    ('single quotes', b"{'a':1}"),
    ('unquoted member name', b'{a:1}'),
    ('trailing comma', b'[1,]'),
    ('comment', b'{} // note'),
    ('invalid escape', b'"\\q"'),
    ('whitespace only', b' \t\n '),
    ('raw tab inside a string', b'"a\tb"'),
    ('raw newline inside a string', b'"a\nb"'),
    ('raw control character inside a string', b'"a\x01b"'),
    ('raw NUL inside a string', b'"a\x00b"'),
    ('NUL after the value', b'{}\x00'),
    ('129 levels of nesting', h.nested_json(129)),
    ('129 levels of objects', b'{"a":' * 129 + b'1' + b'}' * 129),
    ('101-character number', h.long_number(101)),
    ('101-character negative number in an array', b'[-' + h.long_number(100) + b']'),
    ('101-character decimal member', b'{"n":1.' + h.long_number(99) + b'}'),
    ('BOM before the value', b'\xef\xbb\xbf{}'),
]
EMPTY = b''
HUGE = b'"' + b'x' * (17 * 1024 * 1024) + b'"'  # 17 MiB

# Where a JSON value goes, and what an empty one means there: '' is "not given" where the
# protocol says so (a required document: SS_INVALID; a change: the default, so no row), the
# documented "empty data" check for events, and an invalid JSON value elsewhere.
DOCUMENT_JSON_PLACES = [
    ('ss_put doc (update)', lambda j: put(PLAIN, 'doc', j, 'writer', 'adv'), 'SS_INVALID'),
    ('ss_put doc (creation)', lambda j: put(ABSENT, 'doc', j), 'SS_INVALID'),
    ('ss_put change', lambda j: put(PLAIN, 'doc', b'{}', 'change', j), None),
    ('ss_write DOC (fast path)', lambda j: write(PLAIN, doc=j, mode='string'), 'SS_INVALID'),
    ('ss_write DOC (creation)', lambda j: write(ABSENT, doc=j), 'SS_INVALID'),
    ('ss_write CHANGE (fast path)', lambda j: write(PLAIN, doc=b'{}', change=j, mode='string'), None),
    ('ss_write_many DOC', lambda j: write_many(PLAIN, doc=j, mode='string'), 'SS_INVALID'),
    ('ss_tx VALUE of a later document', lambda j: tx([TAGGED, TAGGED2], [tx_put(), tx_put(j)]), 'SS_INVALID'),
    ('ss_tx CHANGE of a later document', lambda j: tx([TAGGED, TAGGED2], [tx_put(), tx_put(change=j)]), None),
]
EVENT_JSON_PLACES = [
    ('ev_publish data', publish, 'SS_INVALID'),
    ('ev_publish_batch data of a later event', publish_batch, 'SS_INVALID'),
]
# Task chunks are text (a task's output), not JSON: only bytes that are not UTF-8 are refused.
INVALID_UTF8 = [
    ('truncated sequence', b'step \xc3'),
    ('overlong encoding', b'\xc0\xaf'),
    ('UTF-8-encoded surrogate', b'\xed\xa0\x80'),
    ('beyond U+10FFFF', b'\xf5\x80\x80\x80'),
    ('lone continuation byte', b'ok \x80'),
]


def task_chunk_rows():
    return [r for name, sample in INVALID_UTF8
            for r in rows('SS_INVALID', ('ev_task chunk: %s' % name, task_chunk(sample)))]
MODULE_JSON_PLACES = [
    ('ss_jop root', lambda j: jop(JSONDOC, ['root', j]), 'SS_JSON'),
    ('ss_jop set member', lambda j: jop(JSONDOC, ['set', '$.a', '$', 'm', j]), 'SS_JSON'),
    ('ss_jop set element', lambda j: jop(JSONDOC, ['set', '$.arr[0]', '$.arr', '0', j]), 'SS_JSON'),
    ('ss_jop append', lambda j: jop(JSONDOC, ['append', '$.arr', '0', j]), 'SS_JSON'),
    ('ss_jop change', lambda j: jop(JSONDOC, ['incr', '$.a', '1'], 'change', j), None),
    ('ss_jop later step value', lambda j: jop(JSONDOC, ['set', '$.a', '$', 'm', b'2', 'set', '$.b', '$', 'm', j]),
     'SS_JSON'),
    ('ss_jwrite set member (fast path)', lambda j: jwrite(JSONDOC, ['set', '$.a', '$', 'm', j]), 'SS_JSON'),
    ('ss_jwrite append (fast path)', lambda j: jwrite(JSONDOC, ['append', '$.arr', '0', j]), 'SS_JSON'),
    ('ss_jwrite root', lambda j: jwrite(JSONDOC, ['root', j]), 'SS_JSON'),
    ('ss_jwrite CHANGE', lambda j: jwrite(JSONDOC, ['incr', '$.a', '1'], change=j), None),
]


def json_rows(places):
    out = []
    for place, build, empty_code in places:
        for name, sample in INVALID_JSON:
            out += rows('SS_JSON', ('%s: %s' % (place, name), build(sample)))
        if empty_code:
            out += rows(empty_code, ('%s: empty' % place, build(EMPTY)))
    return out


# --- keys -------------------------------------------------------------------------------------

b = h.as_bytes
D, M, HK = b(PLAIN), h.meta_key(PLAIN), h.hist_key(PLAIN)
F, I = h.feed_key(), h.index_key()
X = '{' + PLAIN + '}'  # the tagged twin of PLAIN: "x" and "{x}"

WRONG_DOC_KEYS = [  # KEYS of a single-document call for PLAIN, each wrong in one way
    ('KEYS[2] = KEYS[1]', [D, D, HK, F, I]),
    ("another document's metadata", [D, h.meta_key(HIST), HK, F, I]),
    ("another document's history", [D, M, h.hist_key(HIST), F, I]),
    ('history passed as metadata', [D, HK, M, F, I]),
    ('metadata without braces', [D, b'ss:m:' + D, HK, F, I]),
    ('tagged layout for an untagged key', [D, b'ss:mt:' + D, b'ss:ht:' + D, F, I]),
    ('metadata of another prefix', [D, h.meta_key(PLAIN, 'app:'), HK, F, I]),
    ('index of another prefix', [D, M, HK, F, h.index_key('app:')]),
    ('feed of another prefix', [D, M, HK, h.feed_key('app:'), I]),
    ('feed and index of another prefix', [D, M, HK, h.feed_key('app:'), h.index_key('app:')]),
    ('feed with a hash tag', [D, M, HK, b'ss:feed{t}', I]),
    ('feed and index swapped', [D, M, HK, I, F]),
    ('feed key not ending in feed', [D, M, HK, b'ss:stream', I]),
    ('index key not ending in index', [D, M, HK, F, b'ss:idx']),
    ('prefix with braces', [D, b'{p}:m:{' + D + b'}', b'{p}:h:{' + D + b'}', b'{p}:feed', b'{p}:index']),
    ('empty metadata key', [D, b'', HK, F, I]),
    ('metadata of x passed for {x}', [b(X), M, HK, F, I]),
    ('metadata of {x} passed for x', [D, h.meta_key(X), h.hist_key(X), F, I]),
    ('v10 metadata of a tagged key', [b(TAGGED), b'ss:m:' + b(TAGGED), b'ss:h:' + b(TAGGED), F, I]),
]


# The wrong KEYS every single-document function is tried with (ss_put and ss_write get all of them).
SAMPLED_WRONG_DOC_KEYS = {'KEYS[2] = KEYS[1]', "another document's metadata", "another document's history",
                          'index of another prefix', 'feed of another prefix', 'metadata of x passed for {x}'}


def wrong_keys_rows():
    out = []
    for name, keys in WRONG_DOC_KEYS:
        out += rows('SS_KEYS', ('ss_put, ' + name, put(None, 'doc', b'{}', keys=keys)),
                    ('ss_write, ' + name, write(None, keys=keys, doc=b'{}', mode='string')))
    for name, keys in WRONG_DOC_KEYS:
        if name not in SAMPLED_WRONG_DOC_KEYS:
            continue
        out += rows('SS_KEYS',
                    ('ss_del, ' + name, ('ss_del', keys, [])),
                    ('ss_ttl, ' + name, ('ss_ttl', keys, ['ttl', '5000'])),
                    ('ss_upgrade, ' + name, ('ss_upgrade', keys, [])),
                    ('ss_write_many, ' + name, write_many(None, keys=keys, doc=b'{}', mode='string')),
                    ('ss_jop, ' + name, ('ss_jop', keys, ['--', 'set', '$.a', '$', 'm', '1'])),
                    ('ss_jwrite, ' + name, ('ss_jwrite', keys, h.jwrite_argv(['set', '$.a', '$', 'm', '1']))))
    expired = doc_keys(EXPIRED)
    out += rows('SS_KEYS',
                ('ss_reap of a pending expiry, another document\'s metadata',
                 ('ss_reap', [expired[0], M] + expired[2:], [])),
                ('ss_reap of a pending expiry, index of another prefix',
                 ('ss_reap', expired[:4] + [h.index_key('app:')], [])),
                ('ss_tx, feed and index swapped', ('ss_tx', [I, F] + tx_keys([TAGGED])[2:],
                                                   ['--'] + list(tx_put()))),
                ('ss_tx, feed of another prefix', ('ss_tx', [h.feed_key('app:'), I] + tx_keys([TAGGED])[2:],
                                                   ['--'] + list(tx_put()))),
                ('ss_tx, v10 metadata of a later tagged document',
                 ('ss_tx', tx_keys([TAGGED]) + [b(TAGGED2), b'ss:m:' + b(TAGGED2), b'ss:h:' + b(TAGGED2)],
                  ['--'] + list(tx_put()) * 2)),
                ('ss_tx, another document\'s metadata',
                 ('ss_tx', [F, I, b(TAGGED), h.meta_key(TAGGED2), h.hist_key(TAGGED)], ['--'] + list(tx_put()))),
                ('ss_get, another document\'s metadata', ('ss_get', [D, h.meta_key(HIST)], [])),
                ('ss_get, history as metadata', ('ss_get', [D, HK], [])),
                ('ss_get, metadata of x for {x}', ('ss_get', [b(X), M], [])),
                ('ss_get, v10 metadata of a tagged key', ('ss_get', [b(TAGGED), b'ss:m:' + b(TAGGED)], [])),
                ('ss_get, metadata key not under m: or mt:', ('ss_get', [D, b'ss:x:{' + D + b'}'], [])),
                ('ss_mget, second pair wrong', ('ss_mget', pair_keys(PLAIN) + [b(HIST), M], [])),
                ('ss_history, the feed', ('ss_history', [F], ['0'])),
                ('ss_history, a metadata key', ('ss_history', [M], ['0'])),
                ('ss_history, without braces', ('ss_history', [b'ss:h:' + D], ['0'])),
                ('ss_history, tagged form of an untagged key', ('ss_history', [b'ss:ht:' + D], ['0'])),
                ('ss_list, the feed', ('ss_list', [F], ['', '', '10'])),
                ('ss_list, index not ending in index', ('ss_list', [b'ss:idx'], ['', '', '10'])),
                ('ss_snapshot, feed and index swapped', ('ss_snapshot', [I, F], ['', '', '10'])),
                ('ss_snapshot, feed and index of different prefixes',
                 ('ss_snapshot', [F, h.index_key('app:')], ['', '', '10'])),
                ('ss_snapshot, a wrong metadata key', ('ss_snapshot', [F, I, D, h.meta_key(HIST)], [])),
                ('ss_read, the index', ('ss_read', [I], ['0-0', '10'])),
                ('ss_hpolicy_set, the feed', ('ss_hpolicy_set', [F], ['a*', '1', '0'])),
                ('ss_hpolicy_get, the config', ('ss_hpolicy_get', [h.config_key()], [])),
                ('ss_config_set, the policy', ('ss_config_set', [h.policy_key()], ['feedmax', '10'])),
                ('ss_config_get, the feed', ('ss_config_get', [F], [])))
    return out


def key_count_rows():
    five = doc_keys(PLAIN)
    return rows('SS_INVALID',
                ('ss_put with 4 keys', put(None, 'doc', b'{}', keys=five[:4])),
                ('ss_put with 6 keys', put(None, 'doc', b'{}', keys=five + [b'extra'])),
                ('ss_put with no keys', put(None, 'doc', b'{}', keys=[])),
                ('ss_write with 11 arguments', ('ss_write', five, write_argv(doc=b'{}')[:11])),
                ('ss_write with 13 arguments', ('ss_write', five, write_argv(doc=b'{}') + [''])),
                ('ss_write_many with 7 keys', ('ss_write_many', five + five[:2], write_argv(doc=b'{}'))),
                ('ss_write_many with 11 arguments for the second write',
                 ('ss_write_many', five + doc_keys(TTL), write_argv(doc=b'{}') + write_argv(doc=b'{}')[:11])),
                ('ss_del with 3 keys', ('ss_del', five[:3], [])),
                ('ss_reap with 4 keys', ('ss_reap', doc_keys(EXPIRED)[:4], [])),
                ('ss_tx with half a document', ('ss_tx', tx_keys([TAGGED]) + [b(TAGGED2)], ['--'] + list(tx_put()))),
                ('ss_tx with no document', ('ss_tx', [F, I], ['--'])),
                ('ss_tx with 6 arguments for one document',
                 ('ss_tx', tx_keys([TAGGED]), ['--'] + list(tx_put()) + [''])),
                ('ss_get with 1 key', ('ss_get', [D], [])),
                ('ss_get with 3 keys', ('ss_get', pair_keys(PLAIN) + [D], [])),
                ('ss_mget with 3 keys', ('ss_mget', pair_keys(PLAIN) + [b(HIST)], [])),
                ('ss_history with 2 keys', ('ss_history', [HK, h.hist_key(HIST)], ['0'])),
                ('ss_read with 2 keys', ('ss_read', [F, I], ['0-0', '10'])),
                ('ss_hpolicy_set with 2 keys', ('ss_hpolicy_set', [h.policy_key(), F], ['a*', '1', '0'])),
                ('ss_config_set with no key', ('ss_config_set', [], ['feedmax', '10'])),
                ('ev_publish with 3 keys', ('ev_publish', h.ev_publish_keys(EVENT_TYPE)[:3], publish_argv('x', b'1'))),
                ('ev_publish with 7 arguments',
                 ('ev_publish', h.ev_publish_keys(EVENT_TYPE), publish_argv('x', b'1')[:7])),
                ('ev_publish_batch without the second type stream',
                 ('ev_publish_batch', h.ev_batch_keys(EVENT_TYPE), publish_batch(b'1')[2])),
                ('ev_publish_batch with half an event',
                 ('ev_publish_batch', h.ev_batch_keys(EVENT_TYPE), PUBLISH_SETTINGS + ['x', EVENT_TYPE, 's'])),
                ('ev_dead with 1 key', ('ev_dead', [h.type_stream(EVENT_TYPE)], [GROUP, '0-1', 'e', '1', 'c'])),
                ('ev_task with 2 keys', ('ev_task', [h.task_key(TASK), h.task_key(ENDED)], ['chunk', b'1', '1000'])))


# --- document keys ----------------------------------------------------------------------------

INTERNAL_KEYS = ['ss:histpolicy', 'ss:feed', 'ss:index', 'ss:m:{ghost}', 'ss:lease:sweep', 'ss:h:{a}', 'ss:config',
                 'ss:m:{seed:plain}', 'ss:h:{seed:hist}', 'ss:mt:{grp}seed', 'ss:chg:x', 'ss:{ev}:all',
                 'ss:task:{seed-task}', 'ss:']

BAD_KEYS = [
    ('empty', b''),
    ('1025 bytes', b'k' * 1025),
    ('1025 bytes of multi-byte characters', '\u00e9'.encode() * 512 + b'k'),
    ('space', b'a b'), ('tab', b'a\tb'), ('newline', b'a\nb'), ('carriage return', b'a\rb'),
    ('NUL byte', b'a\x00b'), ('control character', b'a\x01b'), ('DEL', b'a\x7fb'),
    ('U+3000', 'a\u3000b'), ('U+2028', 'a\u2028b'), ('U+2029', 'a\u2029b'), ('U+1680', 'a\u1680b'),
    ('U+2000', 'a\u2000b'), ('U+2006', 'a\u2006b'), ('U+2008', 'a\u2008b'), ('U+200A', 'a\u200ab'),
    ('U+205F', 'a\u205fb'),
    ('invalid UTF-8', b'a\xffb'), ('lone continuation byte', b'a\x80b'), ('overlong UTF-8', b'a\xc0\xafb'),
    ('UTF-8-encoded surrogate', b'a\xed\xa0\x80b'), ('truncated UTF-8', b'a\xe2\x82'),
    ('a}b', 'a}b'), ('{}', '{}'), ('{a}{b}', '{a}{b}'), ('a{b', 'a{b'), ('{}rest', '{}rest'),
    ('{a}b}', '{a}b}'), ('{{a}}', '{{a}}'),
]


def bad_document_key_rows(named_keys):
    out = []
    for name, k in named_keys:
        out += rows('SS_KEY',
                    ('ss_put %s' % name, put(k, 'doc', b'{}')),
                    ('ss_write %s' % name, write(k, doc=b'{}', mode='string')),
                    ('ss_write_many %s' % name, write_many(k, doc=b'{}', mode='string')),
                    ('ss_del %s' % name, ('ss_del', doc_keys(k), [])),
                    ('ss_ttl %s' % name, ('ss_ttl', doc_keys(k), ['ttl', '1000'])),
                    ('ss_reap %s' % name, ('ss_reap', doc_keys(k), [])),
                    ('ss_upgrade %s' % name, ('ss_upgrade', doc_keys(k), [])),
                    ('ss_jop %s' % name, jop(k, ['set', '$.a', '$', 'm', '1'])),
                    ('ss_jwrite %s' % name, jwrite(k, ['set', '$.a', '$', 'm', '1'])),
                    ('ss_tx later document %s' % name, tx([TAGGED, k], [tx_put(), tx_put()])),
                    ('ss_get %s' % name, ('ss_get', pair_keys(k), [])),
                    ('ss_mget %s' % name, ('ss_mget', pair_keys(PLAIN) + pair_keys(k), [])))
    return out


def other_prefix_rows():
    def app(k):
        return doc_keys(k, 'app:')
    return rows('SS_KEY',
                ('app: prefix, key under app:', put(None, 'doc', b'{}', keys=app('app:x'))),
                ('app: prefix, key under ss:', put(None, 'doc', b'{}', keys=app('ss:x'))),
                ('app: prefix, key app:', put(None, 'doc', b'{}', keys=app('app:'))),
                ('app: prefix, ss_get of a key under app:', ('ss_get', pair_keys('app:m:{x}', 'app:'), [])))


# --- transactions, write IDs, ops, feedmax, sizes, pending expiry -------------------------------

def transaction_rows():
    return (rows('SS_INVALID',
                 ('the same document twice', tx([TAGGED, TAGGED], [tx_put(), tx_put()])),
                 ('the same untagged document twice', tx([PLAIN, PLAIN], [tx_put(), tx_put()])),
                 ('the same document put then deleted', tx([TAGGED, TAGGED], [tx_put(), ('del', '', '', '', '')])),
                 ('the same document twice among others', tx([TAGGED, TAGGED2, TAGGED], [tx_put()] * 3)),
                 ('a later ttl of 9e18', tx([TAGGED, TAGGED2], [tx_put(), tx_put(ttl='9e18')])),
                 ('a later ttl of 9000000000000000000',
                  tx([TAGGED, TAGGED2], [tx_put(), tx_put(ttl='9000000000000000000')])),
                 ('a later negative ttl', tx([TAGGED, TAGGED2], [tx_put(), tx_put(ttl='-1')])),
                 ('a later ifrev that is no integer', tx([TAGGED, TAGGED2], [tx_put(), tx_put(ifrev='x')])),
                 ('a later operation that is neither put nor del',
                  tx([TAGGED, TAGGED2], [tx_put(), ('merge', '', '', b'{}', '')])),
                 ('a later put without a value', tx([TAGGED, TAGGED2], [tx_put(), ('put', '', '', '', '')])),
                 ('an unknown option', tx([TAGGED], [tx_put()], 'colour', 'red')),
                 ('a per-call feedmax', tx([TAGGED], [tx_put()], 'feedmax', '10')))
            + rows('SS_CONFLICT',
                   ('a later revision conflict', tx([TAGGED, TAGGED2], [tx_put(), tx_put(ifrev='9')])),
                   ('a later creation of an existing document', tx([TAGGED, TAGGED2], [tx_put(), tx_put(ifrev='0')])))
            + rows('SS_NOTFOUND',
                   ('a later delete of an absent document',
                    tx([TAGGED, '{grp}absent'], [tx_put(), ('del', '', '', '', '')])))
            + rows('SS_WRONGTYPE', ('a later hash', tx([TAGGED, HASH], [tx_put(), tx_put()]))))


def portable_only_rows():
    return rows('SS_INVALID',
                ('ss_put mode json without a module', put(ABSENT, 'doc', b'{}', 'mode', 'json')),
                ('ss_write MODE json without a module', write(ABSENT, doc=b'{}', mode='json')),
                ('ss_tx mode json, a later new document without a module',
                 tx([TAGGED, '{grp}new'], [tx_put(), tx_put()], 'mode', 'json')),
                ('ss_jop creating a document without a module', jop(ABSENT, ['root', b'{}'], 'mode', 'json')))


def write_id_rows():
    return (rows(ANSWERED,
                 ('ss_put re-sent with the same arguments', put(WID, *SEED_WID_ARGV)),
                 ('ss_write re-sent with the same arguments', ('ss_write', doc_keys(WIDW), SEED_WIDW_ARGV)))
            + rows('SS_WID',
                   ('ss_put, same wid, another document',
                    put(WID, 'doc', b'{"w":9}', 'writer', 'seeder', 'wid', 'seed-wid-1')),
                   ('ss_put, same wid, another writer',
                    put(WID, 'doc', b'{"w":1}', 'writer', 'other', 'wid', 'seed-wid-1')),
                   ('ss_put, same wid, a ttl added', put(WID, *SEED_WID_ARGV, 'ttl', '5000')),
                   ('ss_put, same wid, a change added', put(WID, *SEED_WID_ARGV, 'change', b'{}')),
                   ('ss_put, same wid, an op added', put(WID, *SEED_WID_ARGV, 'op', 'merge')),
                   ('ss_del with the wid of a put',
                    ('ss_del', doc_keys(WID), ['writer', 'seeder', 'wid', 'seed-wid-1'])),
                   ('ss_ttl with the wid of a put', ('ss_ttl', doc_keys(WID), ['ttl', '5000', 'wid', 'seed-wid-1'])),
                   ('ss_write, same wid, another document',
                    write(WIDW, doc=b'{"w":9}', writer='seeder', wid='seed-wid-2', mode='string')),
                   ('ss_write, same wid, another src',
                    write(WIDW, doc=b'{"w":2}', writer='seeder', wid='seed-wid-2', src='x')),
                   ('ss_write_many, same wid, another document',
                    write_many(WIDW, doc=b'{"w":9}', writer='seeder', wid='seed-wid-2', mode='string'))))


def upgrade_rows():
    """ss_upgrade where there is nothing of the v10 layout to move: in particular "{x}" must not take
    the metadata of "x", which is where v10 kept the metadata of "{x}"."""
    return rows(ANSWERED,
                ('ss_upgrade of {x} while x exists', ('ss_upgrade', doc_keys(X), [])),
                ('ss_upgrade of an untagged document', ('ss_upgrade', doc_keys(PLAIN), [])),
                ('ss_upgrade of a tagged document already moved', ('ss_upgrade', doc_keys(TAGGED), [])),
                ('ss_upgrade of an absent tagged document', ('ss_upgrade', doc_keys('{grp}absent'), [])))


HOSTILE_OPS = ['a","x":"y', 'a"', 'expired', 'evil', 'PUT', 'put ', 'tx', 'a\\', '\u00e9']


def hostile_op_rows():
    out = []
    for op in HOSTILE_OPS:
        out += rows('SS_INVALID',
                    ('ss_put op %r' % op, put(PLAIN, 'doc', b'{}', 'op', op)),
                    ('ss_put creation op %r' % op, put(ABSENT, 'doc', b'{}', 'op', op)),
                    ('ss_write OP %r (fast path)' % op, write(PLAIN, doc=b'{}', op=op, mode='string')),
                    ('ss_write_many OP %r' % op, write_many(PLAIN, doc=b'{}', op=op, mode='string')),
                    ('ss_del op %r' % op, ('ss_del', doc_keys(PLAIN), ['op', op])),
                    ('ss_ttl op %r' % op, ('ss_ttl', doc_keys(PLAIN), ['ttl', '5000', 'op', op])))
    return out


def module_range_rows():
    """Valid JSON that a JSON module cannot store (a number beyond a double): refused before the
    first step, so no call stops half way."""
    put = lambda doc: ('ss_put', doc_keys(ABSENT), ['doc', doc, 'mode', 'json'])
    return rows('SS_JSON',
                ('ss_jop set 1e400', jop(JSONDOC, ['set', '$.a', '$', 'm', b'1e400'])),
                ('ss_jop later step holding -1e400',
                 jop(JSONDOC, ['set', '$.a', '$', 'm', b'2', 'set', '$.b', '$', 'm', b'[1,{"x":-1e400}]'])),
                ('ss_jwrite set 1e400 (fast path)', jwrite(JSONDOC, ['set', '$.a', '$', 'm', b'1e400'])),
                ('ss_jwrite append 1e400', jwrite(JSONDOC, ['append', '$.arr', '0', b'1e400'])),
                ('ss_put of a JSON document holding 1e400', put(b'{"a":1e400}'))) + rows(
        'SS_INVALID', ('ss_jwrite incr by 1e400', jwrite(JSONDOC, ['incr', '$.a', '1e400'])))


def module_op_rows():
    out = []
    for op in HOSTILE_OPS:
        out += rows('SS_INVALID',
                    ('ss_jop op %r' % op, jop(JSONDOC, ['incr', '$.a', '1'], 'op', op)),
                    ('ss_jwrite OP %r (fast path)' % op, jwrite(JSONDOC, ['incr', '$.a', '1'], op=op)))
    return out


def feedmax_rows():
    return rows('SS_INVALID',
                ('ss_put feedmax 10', put(PLAIN, 'doc', b'{}', 'feedmax', '10')),
                ('ss_put feedmax 0', put(PLAIN, 'doc', b'{}', 'feedmax', '0')),
                ('ss_put feedmax 100000 (the default)', put(PLAIN, 'doc', b'{}', 'feedmax', '100000')),
                ('ss_put feedmax x', put(PLAIN, 'doc', b'{}', 'feedmax', 'x')),
                ('ss_del feedmax 10', ('ss_del', doc_keys(PLAIN), ['feedmax', '10'])),
                ('ss_ttl feedmax 10', ('ss_ttl', doc_keys(PLAIN), ['ttl', '5000', 'feedmax', '10'])),
                ('ss_reap feedmax 10 on a pending expiry', ('ss_reap', doc_keys(EXPIRED), ['feedmax', '10'])),
                ('ss_tx feedmax 10', tx([TAGGED], [tx_put()], 'feedmax', '10')),
                ('ss_write FEEDMAX 10 (fast path)', write(PLAIN, doc=b'{}', feedmax='10', mode='string')),
                ('ss_write FEEDMAX 0', write(PLAIN, doc=b'{}', feedmax='0', mode='string')),
                ('ss_write FEEDMAX 10 (creation)', write(ABSENT, doc=b'{}', feedmax='10')),
                ('ss_write_many FEEDMAX 10', write_many(PLAIN, doc=b'{}', feedmax='10', mode='string')),
                ('ss_jop feedmax 10', jop(PLAIN, ['set', '$.a', '$', 'm', '1'], 'feedmax', '10')),
                ('ss_jwrite FEEDMAX 10', jwrite(PLAIN, ['set', '$.a', '$', 'm', '1'], feedmax='10')))


def huge_rows():
    return rows('SS_JSON',
                ('ss_put of a 17 MiB document', put(PLAIN, 'doc', HUGE)),
                ('ss_write of a 17 MiB document (fast path)', write(PLAIN, doc=HUGE, mode='string')),
                ('ss_tx with a 17 MiB document', tx([TAGGED, TAGGED2], [tx_put(), tx_put(HUGE)])),
                ('ev_publish of 17 MiB data', publish(HUGE)),
                ('ss_put of a 17 MiB change', put(PLAIN, 'doc', b'{}', 'change', HUGE)))


def pending_expiry_rows():
    """Failed calls on a document whose TTL ran out: the expiry is committed only by a call that succeeds."""
    return (rows('SS_CONFLICT',
                 ('ss_put ifrev 99', put(EXPIRED, 'doc', b'{}', 'ifrev', '99')),
                 ('ss_put ifrev 1 (the revision before the expiry)', put(EXPIRED, 'doc', b'{}', 'ifrev', '1')),
                 ('ss_put ifrev -1', put(EXPIRED, 'doc', b'{}', 'ifrev', '-1')),
                 ('ss_write IFREV 1', write(EXPIRED, doc=b'{}', ifrev='1', mode='string')),
                 ('ss_tx ifrev 1', tx([EXPIRED], [tx_put(ifrev='1')])))
            + rows('SS_NOTFOUND',
                   ('ss_del', ('ss_del', doc_keys(EXPIRED), [])),
                   ('ss_ttl', ('ss_ttl', doc_keys(EXPIRED), ['ttl', '5000'])),
                   ('ss_jop of a path', jop(EXPIRED, ['set', '$.a', '$', 'm', '1'])),
                   ('ss_tx del', tx([EXPIRED], [('del', '', '', '', '')])))
            + rows('SS_JSON',
                   ('ss_put invalid JSON', put(EXPIRED, 'doc', b'{"a":')),
                   ('ss_tx invalid JSON', tx([EXPIRED], [tx_put(b'{"a":')])))
            + rows('SS_INVALID',
                   ('ss_put hostile op', put(EXPIRED, 'doc', b'{}', 'op', 'evil')),
                   ('ss_put negative ttl', put(EXPIRED, 'doc', b'{}', 'ttl', '-1'))))


def conflict_rows():
    return (rows('SS_CONFLICT',
                 ('ss_put ifrev 0 on an existing document', put(PLAIN, 'doc', b'{}', 'ifrev', '0')),
                 ('ss_put ifrev 7 on revision 1', put(PLAIN, 'doc', b'{}', 'ifrev', '7')),
                 ('ss_put ifrev -1 on a statestore document', put(PLAIN, 'doc', b'{}', 'ifrev', '-1')),
                 ('ss_put ifrev -1 on an absent key', put(ABSENT, 'doc', b'{}', 'ifrev', '-1')),
                 ('ss_put ifrev -1 on a tombstone', put(GONE, 'doc', b'{}', 'ifrev', '-1')),
                 ('ss_put ifrev 1 on an absent key', put(ABSENT, 'doc', b'{}', 'ifrev', '1')),
                 ('ss_put ifrev 1 on a foreign key', put(FOREIGN, 'doc', b'{}', 'ifrev', '1')),
                 ('ss_put ifrev 0 on a foreign key', put(FOREIGN, 'doc', b'{}', 'ifrev', '0')),
                 ('ss_write IFREV 7 (fast path)', write(PLAIN, doc=b'{}', ifrev='7', mode='string')),
                 ('ss_write IFREV -1 on a statestore document', write(PLAIN, doc=b'{}', ifrev='-1', mode='string')),
                 ('ss_del ifrev 7', ('ss_del', doc_keys(PLAIN), ['ifrev', '7'])),
                 ('ss_ttl ifrev 7', ('ss_ttl', doc_keys(TTL), ['ttl', '5', 'ifrev', '7'])),
                 ('ss_hpolicy_set ifversion of another version',
                  ('ss_hpolicy_set', [h.policy_key()], ['ifversion', '1-1', 'a*', '1', '0'])),
                 ('ss_hpolicy_set ifversion never set',
                  ('ss_hpolicy_set', [h.policy_key()], ['ifversion', '', 'a*', '1', '0'])))
            + rows('SS_NOTFOUND',
                   ('ss_del of an absent document', ('ss_del', doc_keys(ABSENT), [])),
                   ('ss_del of a tombstone', ('ss_del', doc_keys(GONE), [])),
                   ('ss_ttl of an absent document', ('ss_ttl', doc_keys(ABSENT), ['ttl', '5000'])),
                   ('ss_jop of a path in an absent document', jop(ABSENT, ['set', '$.a', '$', 'm', '1'])))
            + rows('SS_WRONGTYPE',
                   ('ss_put over a hash', put(HASH, 'doc', b'{}')),
                   ('ss_write over a hash', write(HASH, doc=b'{}', mode='string')),
                   ('ss_del of a hash', ('ss_del', doc_keys(HASH), [])),
                   ('ss_get of a hash', ('ss_get', pair_keys(HASH), [])))
            + rows('SS_STRINGDOC',
                   ('ss_jop on a string document', jop(PLAIN, ['set', '$.a', '$', 'm', '1'])),
                   ('ss_jwrite on a string document', jwrite(PLAIN, ['set', '$.a', '$', 'm', '1']))))


def malformed_option_rows():
    return rows('SS_INVALID',
                ('ss_put unknown option', put(PLAIN, 'doc', b'{}', 'colour', 'red')),
                ('ss_put option without a value', put(PLAIN, 'doc', b'{}', 'writer')),
                ('ss_put without doc', put(PLAIN, 'writer', 'w')),
                ('ss_put ifrev x', put(PLAIN, 'doc', b'{}', 'ifrev', 'x')),
                ('ss_put ifrev 1.5', put(PLAIN, 'doc', b'{}', 'ifrev', '1.5')),
                ('ss_put ifrev -2', put(PLAIN, 'doc', b'{}', 'ifrev', '-2')),
                ('ss_put ttl -5', put(PLAIN, 'doc', b'{}', 'ttl', '-5')),
                ('ss_put ttl 1.5', put(PLAIN, 'doc', b'{}', 'ttl', '1.5')),
                ('ss_put ttl 9e18', put(PLAIN, 'doc', b'{}', 'ttl', '9e18')),
                ('ss_put ttl 9000000000000000000', put(PLAIN, 'doc', b'{}', 'ttl', '9000000000000000000')),
                ('ss_put creation ttl 9000000000000000000', put(ABSENT, 'doc', b'{}', 'ttl', '9000000000000000000')),
                ('ss_put mode xml', put(PLAIN, 'doc', b'{}', 'mode', 'xml')),
                ('ss_put histmax -1', put(PLAIN, 'doc', b'{}', 'histmax', '-1')),
                ('ss_put histage -1', put(PLAIN, 'doc', b'{}', 'histmax', '2', 'histage', '-1')),
                ('ss_write MODE xml', write(PLAIN, doc=b'{}', mode='xml')),
                ('ss_write TTL abc', write(PLAIN, doc=b'{}', ttl='abc')),
                ('ss_write TTL 9000000000000000000', write(PLAIN, doc=b'{}', ttl='9000000000000000000')),
                ('ss_write IFREV x', write(PLAIN, doc=b'{}', ifrev='x', mode='string')),
                ('ss_write_many, 9e18 ttl', write_many(PLAIN, doc=b'{}', ttl='9e18')),
                ('ss_ttl without ttl', ('ss_ttl', doc_keys(PLAIN), [])),
                ('ss_ttl ttl 9000000000000000000', ('ss_ttl', doc_keys(TTL), ['ttl', '9000000000000000000'])),
                ('ss_del unknown option', ('ss_del', doc_keys(PLAIN), ['colour', 'red'])),
                # v12: allow-oom functions carry no content
                ('ss_del with change', ('ss_del', doc_keys(PLAIN), ['change', '{"a":1}'])),
                ('ss_del with doc', ('ss_del', doc_keys(PLAIN), ['doc', '{"a":1}'])),
                ('ss_ttl with change', ('ss_ttl', doc_keys(TTL), ['ttl', '5000', 'change', '{"a":1}'])),
                ('ss_reap unknown option', ('ss_reap', doc_keys(EXPIRED), ['op', 'put'])),
                ('ss_jop without steps', jop(ABSENT, [])),
                ('ss_jop unknown step', jop(ABSENT, ['explode', '$'])),
                ('ss_jop step missing an argument', jop(ABSENT, ['set', '$.a', '$', 'm'])),
                ('ss_jwrite with 9 arguments', ('ss_jwrite', doc_keys(PLAIN), h.jwrite_argv([])[:9])),
                ('ss_hpolicy_set 2 arguments', ('ss_hpolicy_set', [h.policy_key()], ['a*', '1'])),
                ('ss_hpolicy_set empty pattern', ('ss_hpolicy_set', [h.policy_key()], ['', '1', '0'])),
                ('ss_hpolicy_set versions x', ('ss_hpolicy_set', [h.policy_key()], ['a*', 'x', '0'])),
                ('ss_read after an invalid ID', ('ss_read', [F], ['abc', '10'])))


def settings_rows():
    c = [h.config_key()]
    return rows('SS_INVALID',
                ('unknown setting', ('ss_config_set', c, ['colour', 'red'])),
                ('feedmax -1', ('ss_config_set', c, ['feedmax', '-1'])),
                ('feedmax x', ('ss_config_set', c, ['feedmax', 'x'])),
                ('feedmax 1.5', ('ss_config_set', c, ['feedmax', '1.5'])),
                ('feedmax empty', ('ss_config_set', c, ['feedmax', ''])),
                ('jsoncheck maybe', ('ss_config_set', c, ['jsoncheck', 'maybe'])),
                ('jsoncheck ON', ('ss_config_set', c, ['jsoncheck', 'ON'])),
                ('a name without a value', ('ss_config_set', c, ['feedmax'])),
                ('no setting', ('ss_config_set', c, [])),
                ('a good setting then a bad one', ('ss_config_set', c, ['feedmax', '10', 'jsoncheck', 'maybe'])))


def event_rows():
    t = h.type_stream(EVENT_TYPE)
    return rows('SS_INVALID',
                ('ev_publish empty event id', publish(b'{}', event_id='')),
                ('ev_publish time abc', ('ev_publish', h.ev_publish_keys(EVENT_TYPE),
                                         ['x', EVENT_TYPE, 's', 'abc', b'{}'] + PUBLISH_SETTINGS)),
                ('ev_publish maxlen x', ('ev_publish', h.ev_publish_keys(EVENT_TYPE),
                                         ['x', EVENT_TYPE, 's', '1', b'{}', 'x', '1', '1'])),
                ('ev_dead deliveries x', ('ev_dead', [t, h.dlq_stream(EVENT_TYPE)], [GROUP, '0-1', 'e', 'x', 'c'])),
                ('ev_dead entry ID bad', ('ev_dead', [t, h.dlq_stream(EVENT_TYPE)], [GROUP, 'bad', 'e', '1', 'c'])),
                ('ev_redrive count -1', ('ev_redrive', [h.dlq_stream(EVENT_TYPE), t], ['-1'])),
                ('ev_trim maxlen x', ('ev_trim', [t], ['x', ''])),
                ('ev_trim min ID x', ('ev_trim', [t], ['0', 'x'])),
                ('ev_task chunk after the end', task_chunk(b'"late"', task=ENDED)),
                ('ev_task end after the end', ('ev_task', [h.task_key(ENDED)], ['end', 'done', 'again', '1000'])),
                ('ev_task unknown operation', ('ev_task', [h.task_key(TASK)], ['append', b'1', '1000'])),
                ('ev_task chunk ttl x', ('ev_task', [h.task_key(TASK)], ['chunk', b'1', 'x'])),
                ('ev_task end status meh', ('ev_task', [h.task_key(TASK)], ['end', 'meh', 'm', '1000'])))


def event_key_rows():
    """Event functions given keys that are not the bus's own (protocol v11: events LIB_VERSION 5)."""
    t, dlq = h.type_stream(EVENT_TYPE), h.dlq_stream(EVENT_TYPE)
    g, ids, types = h.ev_batch_keys(EVENT_TYPE)[:3]
    argv = publish_argv('x', b'{}')
    return rows('SS_KEYS',
                ('ev_publish into the stream of another type',
                 ('ev_publish', h.ev_publish_keys('other.event'), argv)),
                ('ev_publish_batch later event into the wrong stream',
                 ('ev_publish_batch', h.ev_batch_keys(EVENT_TYPE, 'third.event'), publish_batch(b'{}')[2])),
                ('ev_publish with the change feed as the global stream', ('ev_publish', [t, F, ids, types], argv)),
                ('ev_publish into a document', ('ev_publish', [D, g, ids, types], argv)),
                ('ev_publish with a document as the ID set', ('ev_publish', [t, g, D, types], argv)),
                ('ev_publish into a stream ending in :t:<type> elsewhere',
                 ('ev_publish', [b'quantum:t:' + b(EVENT_TYPE), g, ids, types], argv)),
                ('ev_publish with another prefix\'s ID set', ('ev_publish', [t, g, b'app:{ev}:ids', types], argv)),
                ('ev_dead into the change feed', ('ev_dead', [t, F], [GROUP, '0-1', 'e', '1', 'c'])),
                ('ev_dead into another type\'s dead letters',
                 ('ev_dead', [t, h.dlq_stream('other.event')], [GROUP, '0-1', 'e', '1', 'c'])),
                ('ev_redrive into a document', ('ev_redrive', [dlq, D], ['10'])),
                ('ev_trim of the change feed', ('ev_trim', [F], ['1', ''])),
                ('ev_trim of a history stream', ('ev_trim', [HK], ['1', ''])),
                ('ev_task chunk into the change feed', ('ev_task', [F], ['chunk', b'x', '1000'])),
                ('ev_task chunk into a document', ('ev_task', [D], ['chunk', b'x', '1000'])))


# --- the test ---------------------------------------------------------------------------------

class AdversarialTest(h.StoreTestCase):
    def setUp(self):
        super().setUp()
        seed(self.store)
        self.notifications = h.Notifications(self.store)
        self.addCleanup(self.notifications.close)

    def outcome(self, row):
        """(the call's error code or ANSWERED, a description of the reply)."""
        reply, err = self.store.attempt(row.function, row.keys, row.argv)
        if row.function == 'ss_write_many' and err is None and isinstance(reply, list) and len(reply) == 1:
            reply, err = (None, reply[0]) if isinstance(reply[0], redis.ResponseError) else (reply, None)
        if err is not None:
            return error_code(err), str(err)[:300]
        return ANSWERED, 'replied %r' % (reply[:3] if isinstance(reply, list) else reply,)

    def check(self, table):
        self.assertTrue(table)
        for row in table:
            with self.subTest(row.name, function=row.function):
                before, feed_len = self.store.dump_all(), self.store.feed_len()
                code, detail = self.outcome(row)
                diff = h.state_diff(before, self.store.dump_all())
                published = self.notifications.received()
                problems = []
                if code != row.expected:
                    problems.append('expected %s, got %s' % (row.expected, detail))
                if diff or self.store.feed_len() != feed_len:
                    problems.append('state changed: %s (feed %d -> %d)' % (diff, feed_len, self.store.feed_len()))
                    seed(self.store)
                    self.notifications.received()
                if published:
                    problems.append('published %r' % (published[:3],))
                if problems:
                    self.fail('; '.join(problems))

    def test_keys_that_differ_from_the_derived_ones_are_refused(self):
        self.check(wrong_keys_rows())

    def test_wrong_key_and_argument_counts_are_refused(self):
        self.check(key_count_rows())

    def test_internal_keys_are_never_documents(self):
        self.check(bad_document_key_rows([(k, k) for k in INTERNAL_KEYS]))

    def test_malformed_document_keys_are_refused(self):
        self.check(bad_document_key_rows(BAD_KEYS))

    def test_document_keys_under_the_prefix_or_ss_are_refused_for_another_prefix(self):
        self.check(other_prefix_rows())

    def test_invalid_json_documents_and_changes_are_refused(self):
        self.check(json_rows(DOCUMENT_JSON_PLACES))

    def test_invalid_json_event_data_is_refused(self):
        self.check(json_rows(EVENT_JSON_PLACES))

    def test_event_functions_take_only_the_bus_keys(self):
        self.check(event_key_rows())

    def test_task_chunks_that_are_not_utf8_are_refused(self):
        self.check(task_chunk_rows())

    @h.needs_module
    def test_invalid_json_step_values_are_refused(self):
        self.check(json_rows(MODULE_JSON_PLACES))

    def test_oversized_values_are_refused(self):
        self.check(huge_rows())

    def test_transactions_check_every_document_before_writing(self):
        self.check(transaction_rows())

    @h.portable_only
    def test_json_mode_without_a_module_is_refused(self):
        self.check(portable_only_rows())

    def test_reused_write_ids_replay_or_are_refused(self):
        self.check(write_id_rows())

    def test_upgrade_with_nothing_to_move_writes_nothing(self):
        self.check(upgrade_rows())

    def test_op_names_outside_the_list_are_refused(self):
        self.check(hostile_op_rows())

    @h.needs_module
    def test_numbers_a_json_module_cannot_store_are_refused_before_any_step(self):
        self.check(module_range_rows())

    @h.needs_module
    def test_op_names_outside_the_list_are_refused_by_the_step_functions(self):
        self.check(module_op_rows())

    def test_per_call_feedmax_is_refused(self):
        self.check(feedmax_rows())

    def test_failed_calls_leave_a_pending_expiry_uncommitted(self):
        self.check(pending_expiry_rows())

    def test_conflicts_and_missing_documents_write_nothing(self):
        self.check(conflict_rows())

    def test_malformed_options_are_refused(self):
        self.check(malformed_option_rows())

    def test_bad_store_settings_are_refused(self):
        self.check(settings_rows())

    def test_malformed_event_and_task_calls_are_refused(self):
        self.check(event_rows())

