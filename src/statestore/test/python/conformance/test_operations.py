"""Every function of both libraries called directly with FCALL, as docs/protocol.md,
docs/protocol.md and docs/events.md describe them: replies, revisions, metadata, feed
entries, history, notifications, events and task streams."""
import json
import time

import redis

from . import harness as h
from .harness import doc_keys, error_code, fields, pair_keys, text, tx_keys

setUpModule, tearDownModule = h.module_server()

DOC = b'{"state":"idle","n":0}'
DOC2 = b'{"state":"busy","n":1}'
OPS = ('put', 'create', 'update', 'merge', 'set', 'remove', 'incr', 'append', 'patch', 'revert', 'import',
       'del', 'expire', 'persist', 'ttl')

# Accepted JSON at the edges of the rules (docs/json.md).
VALID_JSON = [
    ('128 levels of nesting', h.nested_json(128)),
    ('100-character number', h.long_number(100)),
    ('100-character negative number', b'-' + h.long_number(99)),
    ('integer scalar', b'1'), ('zero', b'0'), ('minus zero', b'-0'), ('string scalar', b'"s"'),
    ('true', b'true'), ('false', b'false'), ('null', b'null'),
    ('decimal', b'0.5'), ('exponents', b'[1e5,1E+2,-0.5e-3,1.0]'),
    ('paired surrogate escapes', b'"\\ud83d\\ude00"'),
    ('4-byte UTF-8', '"\U0001F600"'.encode()),
    ('raw U+2028 in a string', '"a\u2028b"'.encode()),
    ('raw DEL in a string', b'"a\x7fb"'),
    ('escaped control characters', b'"a\\tb\\n\\u001f"'),
    ('whitespace around the value', b' \t\n{"a":[1,2,{"b":null}]}\r\n '),
    ('same name in different objects', b'{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}'),
    ('empty name', b'{"":1}'),
    ('names distinct after unescaping', b'{"a":1,"\\u0062":2,"a\\"b":3,"a\\\\b":4}'),
    ('strings holding JSON syntax', b'{"k":"{\\"a\\":1, 1. -.5 : ,}"}'),
]

ACCEPTED_KEYS = [
    ('1024 bytes', 'k' * 1024),
    ('1024 bytes of 2-byte characters', '\u00e9' * 512),
    ('U+0085', 'a\u0085b'), ('U+00A0', 'a\u00a0b'), ('U+2007', 'a\u2007b'), ('U+202F', 'a\u202fb'),
    ('hash tag first', '{group}rest'), ('hash tag inside', 'a:{g}:b'),
    ('quote and backslash', 'q"uo\\te'), ('astral character', 'emoji:\U0001F600'),
]


def feed_time_ok(server_ms, t):
    return t.isdigit() and abs(int(t) - server_ms) < 10000


class LibraryTest(h.StoreTestCase):
    def test_include_lines_are_replaced_by_the_shared_json_check(self):
        shared = (h.LUA_DIR / 'lua' / 'json_check.lua').read_bytes().rstrip(b'\n')
        for name in h.LIBRARIES:
            with self.subTest(name):
                code = h.library_code(name)
                self.assertNotIn(b'-- #include', code)
                self.assertIn(shared, code)

    def test_library_versions_are_v17_and_events_v8(self):
        self.assertEqual(b'17', self.store.fcall_ro('ss_version', []))
        self.assertEqual(b'8', self.store.fcall_ro('ev_version', []))


class WholeDocumentWriteTest(h.StoreTestCase):
    def server_ms(self):
        sec, usec = self.r.time()
        return sec * 1000 + usec // 1000

    def test_put_creates_revision_1_with_metadata_index_and_one_feed_entry(self):
        rev, eid = self.store.put('quantum:status', DOC, 'writer', 'ops')
        self.assertEqual(1, rev)
        self.assertEqual(DOC, self.r.get('quantum:status'))
        meta = self.store.meta('quantum:status')
        self.assertEqual(('1', '0', 'ops'), (meta['rev'], meta['del'], meta['writer']))
        self.assertEqual(meta['ctime'], meta['mtime'])
        self.assertEqual(0, self.r.zscore(h.index_key(), 'quantum:status'))
        [(fid, f)] = self.store.feed()
        self.assertEqual(text(eid), fid)
        self.assertEqual({'key': 'quantum:status', 'op': 'put', 'rev': '1', 'prev': '0', 'writer': 'ops',
                          'time': meta['mtime'], 'change': text(DOC)}, f)
        self.assertTrue(feed_time_ok(self.server_ms(), f['time']), f['time'])

    def test_every_change_raises_revision_by_one_with_one_feed_entry_each(self):
        k = 'counter:doc'
        calls = [('ss_put', ['doc', DOC], 'put'), ('ss_put', ['doc', DOC2, 'op', 'merge'], 'merge'),
                 ('ss_ttl', ['ttl', '60000'], 'ttl'), ('ss_ttl', ['ttl', '0', 'op', 'persist'], 'persist'),
                 ('ss_del', [], 'del'), ('ss_put', ['doc', DOC, 'ifrev', '0'], 'put')]
        for n, (fn, argv, op) in enumerate(calls, 1):
            rev, eid = self.store.fcall(fn, doc_keys(k), argv)
            self.assertEqual(n, rev, fn)
            self.assertEqual(n, self.store.feed_len())
            fid, f = self.store.feed()[-1]
            self.assertEqual((text(eid), op, str(n), str(n - 1)), (fid, f['op'], f['rev'], f['prev']))
            self.assertEqual(str(n), self.store.meta(k)['rev'])

    def test_change_and_src_are_recorded_and_absent_for_deletions_and_ttl(self):
        k = 'changes:doc'
        self.store.put(k, DOC, 'change', '{"n":0}', 'src', 'import.json')
        self.store.fcall('ss_ttl', doc_keys(k), ['ttl', '1000000'])
        self.store.fcall('ss_del', doc_keys(k), ['src', 'cleanup'])
        put, ttl, dele = [f for _, f in self.store.feed()]
        self.assertEqual(('{"n":0}', 'import.json'), (put['change'], put['src']))
        self.assertNotIn('change', ttl)
        self.assertNotIn('change', dele)
        self.assertEqual('cleanup', dele['src'])

    def test_writer_defaults_to_unknown(self):
        self.store.put('anon:doc', DOC)
        self.assertEqual('unknown', self.store.meta('anon:doc')['writer'])
        self.assertEqual('unknown', self.store.feed()[0][1]['writer'])

    def test_create_with_ifrev_0_only_when_absent(self):
        self.assertEqual(1, self.store.put('new:doc', DOC, 'ifrev', '0')[0])
        msg = self.assertError('SS_CONFLICT', 'ss_put', doc_keys('new:doc'), ['doc', DOC2, 'ifrev', '0'])
        self.assertIn('new:doc', msg)
        self.assertEqual(DOC, self.r.get('new:doc'))

    def test_ifrev_commits_on_match_and_conflicts_on_mismatch(self):
        self.store.put('cas:doc', DOC)
        self.assertEqual(2, self.store.put('cas:doc', DOC2, 'ifrev', '1')[0])
        msg = self.assertError('SS_CONFLICT', 'ss_put', doc_keys('cas:doc'), ['doc', DOC, 'ifrev', '1'])
        self.assertIn('current revision 2', msg)
        self.assertEqual(DOC2, self.r.get('cas:doc'))
        self.assertEqual(2, self.store.feed_len())

    def test_ifrev_minus_1_takes_over_a_foreign_key_once(self):
        self.r.set('foreign:doc', b'{"f":1}')
        self.assertEqual([b'{"f":1}', 0, b'', b'', b'', -1, b'string', 1], self.store.get('foreign:doc'))
        self.assertEqual(1, self.store.put('foreign:doc', DOC, 'ifrev', '-1')[0])
        self.assertEqual(0, self.store.get('foreign:doc')[7])
        self.assertError('SS_CONFLICT', 'ss_put', doc_keys('foreign:doc'), ['doc', DOC2, 'ifrev', '-1'])
        self.assertError('SS_CONFLICT', 'ss_put', doc_keys('absent:doc'), ['doc', DOC2, 'ifrev', '-1'])
        self.assertEqual(DOC, self.r.get('foreign:doc'))

    def test_delete_leaves_a_tombstone_and_recreation_continues_the_revisions(self):
        k = 'tomb:doc'
        self.store.put(k, DOC)
        self.assertEqual(2, self.store.fcall('ss_del', doc_keys(k), ['writer', 'ops'])[0])
        self.assertEqual(0, self.r.exists(k))
        self.assertIsNone(self.r.zscore(h.index_key(), k))
        meta = self.store.meta(k)
        self.assertEqual(('2', '1', 'ops'), (meta['rev'], meta['del'], meta['writer']))
        self.assertEqual([None, 2], self.store.get(k)[:2])
        self.assertError('SS_NOTFOUND', 'ss_del', doc_keys(k))
        self.assertEqual(3, self.store.put(k, DOC2, 'ifrev', '0')[0])
        self.assertEqual('0', self.store.meta(k)['del'])
        self.assertEqual(('3', '2'), (self.store.feed()[-1][1]['rev'], self.store.feed()[-1][1]['prev']))

    def test_ttl_sets_and_removes_the_expiry_and_a_put_keeps_it(self):
        k = 'ttl:doc'
        self.store.put(k, DOC, 'ttl', '60000')
        self.assertTrue(50000 < self.r.pttl(k) <= 60000)
        self.store.put(k, DOC2)
        self.assertTrue(50000 < self.r.pttl(k) <= 60000, 'a put without ttl keeps the expiry')
        self.store.fcall('ss_ttl', doc_keys(k), ['ttl', '0'])
        self.assertEqual(-1, self.r.pttl(k))
        self.store.fcall('ss_ttl', doc_keys(k), ['ttl', '120000'])
        self.assertTrue(110000 < self.r.pttl(k) <= 120000)
        self.assertEqual(4, self.store.get(k)[1])

    def expire_naturally(self, k):
        self.store.put(k, DOC, 'ttl', '20')
        deadline = time.monotonic() + 5
        while self.r.exists(k) and time.monotonic() < deadline:
            time.sleep(0.01)

    def test_natural_expiry_is_reaped_as_one_expired_event(self):
        k = 'expiring:doc'
        self.expire_naturally(k)
        self.assertEqual(1, self.store.fcall('ss_reap', doc_keys(k), ['writer', 'reaper']))
        meta = self.store.meta(k)
        self.assertEqual(('2', '1', 'redis-expiry'), (meta['rev'], meta['del'], meta['writer']))
        f = self.store.feed()[-1][1]
        self.assertEqual(('expired', '2', '1', 'redis-expiry'), (f['op'], f['rev'], f['prev'], f['writer']))
        self.assertEqual(0, self.store.fcall('ss_reap', doc_keys(k), []))
        self.assertEqual(2, self.store.feed_len())

    def test_natural_expiry_is_committed_before_the_next_write(self):
        k = 'expiring:doc'
        self.expire_naturally(k)
        self.assertEqual(3, self.store.put(k, DOC2)[0])
        ops = [(f['op'], f['rev'], f['prev']) for _, f in self.store.feed()]
        self.assertEqual([('put', '1', '0'), ('expired', '2', '1'), ('put', '3', '2')], ops)

    def test_every_documented_op_name_is_recorded(self):
        for op in OPS:
            self.store.put('ops:doc', DOC, 'op', op)
        self.assertEqual(list(OPS), [f['op'] for _, f in self.store.feed()])

    def test_empty_op_means_the_functions_default(self):
        self.store.put('ops:doc', DOC, 'op', '')
        self.store.fcall('ss_write', doc_keys('ops:doc'), h.write_argv(doc=DOC))
        self.store.fcall('ss_del', doc_keys('ops:doc'), ['op', ''])
        self.assertEqual(['put', 'put', 'del'], [f['op'] for _, f in self.store.feed()])

    def test_accepted_json_values_are_stored_and_published_exactly(self):
        for name, value in VALID_JSON:
            with self.subTest(name):
                k = 'json:' + name.replace(' ', '-')
                self.store.put(k, value, 'change', value)
                self.assertEqual(value, self.r.get(k))
                self.assertEqual(value, self.r.xrevrange(h.feed_key(), count=1)[0][1][b'change'])

    def test_document_of_exactly_16_mib_is_accepted(self):
        value = b'"' + b'x' * (16 * 1024 * 1024 - 2) + b'"'
        self.assertEqual(1, self.store.put('big:doc', value)[0])
        self.assertEqual(len(value), self.r.strlen('big:doc'))

    def test_document_keys_at_the_edges_of_the_rules_are_accepted(self):
        for name, key in ACCEPTED_KEYS:
            with self.subTest(name):
                self.assertEqual(1, self.store.put(key, DOC)[0])
                self.assertEqual(DOC, self.store.get(key)[0])
                self.assertEqual(key, text(self.store.feed()[-1][1]['key']))


class WriteFunctionFormsTest(h.StoreTestCase):
    """ss_write (positional) and ss_write_many against ss_put."""

    SEQUENCE = [dict(doc=DOC, writer='w'), dict(doc=DOC2, ifrev='1', op='merge', change='{"n":1}'),
                dict(doc=DOC, src='file.json', ttl='90000'), dict(doc=DOC2, histmax='3')]

    @staticmethod
    def put_argv(args):
        argv = []
        for name, value in args.items():
            argv += [name, value]
        return argv

    def comparable(self, k):
        meta = self.store.meta(k)
        entries = [{n: v for n, v in f.items() if n not in ('time', 'key')}
                   for _, f in self.store.feed() if f['key'] == k]
        hist = [{n: v for n, v in f.items() if n != 'time'} for _, f in self.store.entries(h.hist_key(k))]
        return (self.r.get(k), self.r.pttl(k) > 0, meta['rev'], meta['del'], meta['writer'], entries, hist)

    def test_ss_write_commits_what_ss_put_commits(self):
        for args in self.SEQUENCE:
            a = self.store.fcall('ss_put', doc_keys('form:put'), self.put_argv(args))
            b = self.store.fcall('ss_write', doc_keys('form:write'), h.write_argv(**args))
            self.assertEqual(a[0], b[0])
        self.assertEqual(self.comparable('form:put'), self.comparable('form:write'))

    def test_ss_write_errors_are_those_of_ss_put(self):
        self.store.put('form:doc', DOC)
        a = self.assertError('SS_CONFLICT', 'ss_put', doc_keys('form:doc'), ['doc', DOC, 'ifrev', '7'])
        b = self.assertError('SS_CONFLICT', 'ss_write', doc_keys('form:doc'), h.write_argv(doc=DOC, ifrev='7'))
        self.assertEqual(a, b)

    def test_ss_write_many_commits_each_write_on_its_own_in_order(self):
        keys = doc_keys('many:a') + doc_keys('many:a') + doc_keys('many:b') + doc_keys('many:c')
        argv = (h.write_argv(doc=DOC) + h.write_argv(doc=DOC2, ifrev='1') + h.write_argv(doc=DOC, ifrev='5')
                + h.write_argv(doc=DOC2))
        replies = self.store.fcall('ss_write_many', keys, argv)
        self.assertEqual([1, 2], [replies[0][0], replies[1][0]])
        self.assertIsInstance(replies[2], redis.ResponseError)
        self.assertEqual('SS_CONFLICT', error_code(replies[2]))
        self.assertEqual(1, replies[3][0])
        self.assertEqual(DOC2, self.r.get('many:a'))
        self.assertEqual(0, self.r.exists('many:b'))
        self.assertEqual(3, self.store.feed_len())

    def test_ss_write_many_answers_a_write_with_wrong_keys_in_its_place(self):
        keys = doc_keys('many:a') + [b'many:b', h.meta_key('many:a')] + doc_keys('many:b')[2:] + doc_keys('many:c')
        replies = self.store.fcall('ss_write_many', keys, h.write_argv(doc=DOC) * 3)
        self.assertEqual('SS_KEYS', error_code(replies[1]))
        self.assertEqual([1, 1], [replies[0][0], replies[2][0]])
        self.assertEqual(0, self.r.exists('many:b'))
        self.assertEqual(2, self.store.feed_len())


class WriteIdTest(h.StoreTestCase):
    def assertReplayed(self, fn, keys, argv, first):
        before, feed = self.store.dump_all(), self.store.feed_len()
        self.assertEqual(first, self.store.fcall(fn, keys, argv))
        self.assertStateUnchanged(before, self.store.dump_all())
        self.assertEqual(feed, self.store.feed_len())

    def test_resent_put_returns_the_first_reply_and_writes_nothing(self):
        self.store.put('wid:doc', DOC)
        argv = ['doc', DOC2, 'ifrev', '1', 'wid', 'w-1', 'writer', 'svc']
        first = self.store.fcall('ss_put', doc_keys('wid:doc'), argv)
        meta = self.store.meta('wid:doc')
        self.assertEqual('w-1', meta['wid'])
        self.assertTrue(meta.get('wsig'), 'metadata keeps the digest of the arguments in wsig')
        self.assertReplayed('ss_put', doc_keys('wid:doc'), argv, first)

    def test_resent_positional_write_returns_the_first_reply_and_writes_nothing(self):
        self.store.put('wid:doc', DOC)
        argv = h.write_argv(doc=DOC2, wid='w-2', writer='svc')
        first = self.store.fcall('ss_write', doc_keys('wid:doc'), argv)
        self.assertReplayed('ss_write', doc_keys('wid:doc'), argv, first)

    def test_resent_delete_and_ttl_return_the_first_reply(self):
        self.store.put('wid:doc', DOC)
        ttl = ['ttl', '600000', 'wid', 'w-3']
        self.assertReplayed('ss_ttl', doc_keys('wid:doc'), ttl, self.store.fcall('ss_ttl', doc_keys('wid:doc'), ttl))
        dele = ['wid', 'w-4']
        self.assertReplayed('ss_del', doc_keys('wid:doc'), dele, self.store.fcall('ss_del', doc_keys('wid:doc'), dele))

    def test_same_wid_with_other_arguments_is_refused(self):
        self.store.put('wid:doc', DOC, 'wid', 'w-5')
        self.assertError('SS_WID', 'ss_put', doc_keys('wid:doc'), ['doc', DOC2, 'wid', 'w-5'])


class KeyLayoutTest(h.StoreTestCase):
    def test_untagged_and_tagged_keys_have_separate_metadata_and_history(self):
        self.store.put('x', DOC, 'histmax', '5')
        self.store.put('{x}', DOC2, 'histmax', '5')
        self.assertEqual([b'ss:m:{x}', b'ss:h:{x}'], doc_keys('x')[1:3])
        self.assertEqual([b'ss:mt:{x}', b'ss:ht:{x}'], doc_keys('{x}')[1:3])
        self.assertEqual('1', self.store.meta('x')['rev'])
        self.assertEqual('1', self.store.meta('{x}')['rev'])
        self.assertEqual(1, self.r.xlen('ss:h:{x}'))
        self.assertEqual(1, self.r.xlen('ss:ht:{x}'))
        self.assertEqual([DOC, 1], self.store.get('x')[:2])
        self.assertEqual([DOC2, 1], self.store.get('{x}')[:2])

    def write_v10_layout(self, k):
        self.r.set(k, DOC)
        self.r.hset(h.v10_meta_key(k), mapping={'rev': 5, 'del': 0, 'ctime': 1, 'mtime': 2, 'writer': 'old'})
        self.r.xadd(h.v10_hist_key(k), {'rev': 5, 'op': 'put', 'writer': 'old', 'time': 2, 'doc': DOC})

    def test_upgrade_moves_tagged_metadata_and_history_of_the_v10_layout_once(self):
        k = '{acct}:bob'
        self.write_v10_layout(k)
        self.assertEqual(1, self.store.fcall('ss_upgrade', doc_keys(k)))
        self.assertEqual(0, self.r.exists(h.v10_meta_key(k), h.v10_hist_key(k)))
        self.assertEqual(('5', '1', 'old'), tuple(self.store.meta(k)[f] for f in ('rev', 'ctime', 'writer')))
        self.assertEqual(['5'], [f['rev'] for _, f in self.store.entries(h.hist_key(k))])
        self.assertEqual(0, self.store.feed_len(), 'moving metadata is not a change of the document')
        self.assertEqual(0, self.store.fcall('ss_upgrade', doc_keys(k)))
        self.assertEqual([DOC, 5], self.store.get(k)[:2])

    def test_tagged_metadata_of_the_v10_layout_moves_on_first_write(self):
        k = '{acct}:alice'
        self.write_v10_layout(k)
        rev, _ = self.store.put(k, DOC2, 'ifrev', '5', 'histmax', '10')
        self.assertEqual(6, rev)
        self.assertEqual(0, self.r.exists(h.v10_meta_key(k)), 'the old metadata key is gone')
        self.assertEqual(0, self.r.exists(h.v10_hist_key(k)), 'the old history key is gone')
        meta = self.store.meta(k)
        self.assertEqual(('6', '1'), (meta['rev'], meta['ctime']))
        self.assertEqual(['5', '6'], [f['rev'] for _, f in self.store.entries(h.hist_key(k))])
        self.assertEqual(('6', '5'), (self.store.feed()[-1][1]['rev'], self.store.feed()[-1][1]['prev']))

    def test_another_prefix_derives_every_key_from_it(self):
        p = 'app:'
        self.assertEqual(1, self.store.put('doc', DOC, prefix=p)[0])
        self.assertEqual('1', self.store.meta('doc', prefix=p)['rev'])
        self.assertEqual(1, self.store.feed_len(prefix=p))
        self.assertEqual(0, self.r.exists('ss:feed'))
        self.assertEqual([DOC, 1], self.store.get('doc', prefix=p)[:2])
        self.assertEqual([b'', b'doc'], self.store.fcall_ro('ss_list', [h.index_key(p)], ['', '', '10']))


class ReadTest(h.StoreTestCase):
    def test_get_replies_content_revision_times_writer_ttl_type_and_foreign_flag(self):
        self.store.put('read:doc', DOC, 'writer', 'ops', 'ttl', '60000')
        meta = self.store.meta('read:doc')
        content, rev, ctime, mtime, writer, pttl, typ, foreign = self.store.get('read:doc')
        self.assertEqual((DOC, 1, meta['ctime'], meta['mtime'], b'ops', b'string', 0),
                         (content, rev, text(ctime), text(mtime), writer, typ, foreign))
        self.assertTrue(50000 < pttl <= 60000)
        self.assertEqual([None, 0, b'', b'', b'', -2, b'none', 0], self.store.get('absent:doc'))

    def test_mget_replies_one_get_per_pair(self):
        self.store.put('read:a', DOC)
        replies = self.store.fcall_ro('ss_mget', pair_keys('read:a') + pair_keys('read:b') + pair_keys('{g}c'))
        self.assertEqual([DOC, None, None], [r[0] for r in replies])
        self.assertEqual([1, 0, 0], [r[1] for r in replies])

    def test_list_pages_by_prefix_and_leaves_out_deleted_documents(self):
        for k in ('a1', 'a2', 'a3', 'a4', 'b1'):
            self.store.put(k, DOC)
        self.store.fcall('ss_del', doc_keys('a3'))
        self.assertEqual([b'a2', b'a1', b'a2'], self.store.fcall_ro('ss_list', [h.index_key()], ['a', '', '2']))
        self.assertEqual([b'', b'a4'], self.store.fcall_ro('ss_list', [h.index_key()], ['a', 'a2', '2']))

    def test_snapshot_returns_the_feed_position_with_the_documents(self):
        self.store.put('snap:a', DOC)
        _, last = self.store.put('snap:b', DOC2)
        self.store.put('other', DOC)
        position, cursor, *docs = self.store.fcall_ro('ss_snapshot', [h.feed_key(), h.index_key()],
                                                      ['snap:', '', '10'])
        self.assertEqual(self.r.xinfo_stream(h.feed_key())['last-generated-id'], position)
        self.assertEqual(b'', cursor)
        self.assertEqual([(b'snap:a', DOC, 1), (b'snap:b', DOC2, 1)], [(k, r[0], r[1]) for k, r in docs])
        position, cursor, *docs = self.store.fcall_ro(
            'ss_snapshot', [h.feed_key(), h.index_key()] + pair_keys('snap:b') + pair_keys('snap:none'))
        self.assertEqual([(b'snap:b', DOC2)], [(k, r[0]) for k, r in docs])

    def test_snapshot_by_prefix_reads_tagged_documents_with_their_metadata(self):
        self.store.put('{g}snap', DOC)
        self.store.put('{g}snap', DOC2)
        _, _, *docs = self.store.fcall_ro('ss_snapshot', [h.feed_key(), h.index_key()], ['{g}', '', '10'])
        self.assertEqual([(b'{g}snap', DOC2, 2)], [(k, r[0], r[1]) for k, r in docs])

    def test_read_tells_ok_behind_and_trimmed(self):
        ids = [self.store.put('feed:doc', DOC)[1] for _ in range(3)]
        status, last, entries = self.store.fcall_ro('ss_read', [h.feed_key()], [ids[0], '10'])
        self.assertEqual((b'ok', ids[2]), (status, last))
        self.assertEqual(ids[1:], [e[0] for e in entries])
        self.assertEqual(['2', '3'], [fields(e[1])['rev'] for e in entries])
        self.assertEqual([b'ok', ids[2], []], self.store.fcall_ro('ss_read', [h.feed_key()], [ids[2], '10']))
        self.assertEqual(b'behind', self.store.fcall_ro('ss_read', [h.feed_key()], ['99999999999999-0', '10'])[0])
        self.r.execute_command('XTRIM', h.feed_key(), 'MINID', ids[2])
        self.assertEqual(b'trimmed', self.store.fcall_ro('ss_read', [h.feed_key()], [ids[0], '10'])[0])


class HistoryTest(h.StoreTestCase):
    def history(self, k, *argv):
        return [(text(i), fields(f)) for i, f in self.store.fcall_ro('ss_history', [h.hist_key(k)], argv or ['0'])]

    def test_histmax_keeps_the_last_versions_with_their_fields(self):
        for n in range(1, 6):
            self.store.put('hist:doc', b'{"v":%d}' % n, 'histmax', '3', 'writer', 'w')
        entries = self.history('hist:doc')
        self.assertEqual(['3', '4', '5'], [f['rev'] for _, f in entries])
        f = entries[-1][1]
        self.assertEqual(('put', 'w', '{"v":5}'), (f['op'], f['writer'], f['doc']))
        self.assertTrue(f['time'].isdigit())
        self.assertEqual([('4', '{"v":4}')], [(f['rev'], f['doc']) for _, f in self.history('hist:doc', '0', '4')])
        self.assertEqual([], self.history('hist:doc', '0', '1'))

    def test_deletion_is_kept_as_an_entry_without_a_document(self):
        self.store.put('hist:doc', DOC, 'histmax', '5')
        self.store.fcall('ss_del', doc_keys('hist:doc'), ['histmax', '5'])
        f = self.history('hist:doc')[-1][1]
        self.assertEqual(('del', '2'), (f['op'], f['rev']))
        self.assertNotIn('doc', f)

    def test_server_policy_applies_to_writes_without_histmax(self):
        version = self.store.fcall('ss_hpolicy_set', [h.policy_key()], ['kept:*', '2', '0', 'other:*', '0', '0'])
        self.assertEqual([version, [b'kept:*', b'2', b'0'], [b'other:*', b'0', b'0']],
                         self.store.fcall_ro('ss_hpolicy_get', [h.policy_key()]))
        for n in range(4):
            self.store.put('kept:doc', b'[%d]' % n)
            self.store.put('other:doc', b'[%d]' % n)
        self.assertEqual(['3', '4'], [f['rev'] for _, f in self.history('kept:doc')])
        self.assertEqual(0, self.r.exists(h.hist_key('other:doc')))

    def test_policy_ifversion_replaces_only_the_version_read(self):
        self.assertEqual([b''], self.store.fcall_ro('ss_hpolicy_get', [h.policy_key()]))
        v1 = self.store.fcall('ss_hpolicy_set', [h.policy_key()], ['ifversion', '', 'a:*', '1', '0'])
        v2 = self.store.fcall('ss_hpolicy_set', [h.policy_key()], ['ifversion', v1, 'b:*', '1', '0'])
        self.assertNotEqual(v1, v2)
        self.assertError('SS_CONFLICT', 'ss_hpolicy_set', [h.policy_key()], ['ifversion', v1, 'c:*', '1', '0'])
        self.assertEqual(b'b:*', self.store.fcall_ro('ss_hpolicy_get', [h.policy_key()])[1][0])


class TransactionTest(h.StoreTestCase):
    def test_tx_commits_every_document_with_one_event_each(self):
        self.store.put('{g}b', DOC)
        docs = ['{g}a', '{g}b', '{g}c']
        self.store.put('{g}c', DOC)
        argv = ['writer', 'tx', '--', 'put', '0', '', DOC, '', 'put', '1', '60000', DOC2, '{"n":1}',
                'del', '', '', '', '']
        replies = self.store.fcall('ss_tx', tx_keys(docs), argv)
        self.assertEqual([1, 2, 2], [r[0] for r in replies])
        entries = self.store.feed()[-3:]
        self.assertEqual([text(r[1]) for r in replies], [i for i, _ in entries])
        self.assertEqual([('{g}a', 'put', DOC), ('{g}b', 'put', b'{"n":1}'), ('{g}c', 'del', None)],
                         [(f['key'], f['op'], f.get('change', '').encode() or None) for _, f in entries])
        self.assertEqual(['tx'] * 3, [self.store.meta(d)['writer'] for d in docs])
        self.assertTrue(self.r.pttl('{g}b') > 50000)
        self.assertEqual(0, self.r.exists('{g}c'))
        self.assertEqual(5, self.store.feed_len())

    def test_tx_conflict_in_a_later_document_writes_nothing(self):
        self.store.put('{g}b', DOC)
        before = self.store.dump_all()
        argv = ['--', 'put', '', '', DOC, '', 'put', '7', '', DOC2, '']
        self.assertError('SS_CONFLICT', 'ss_tx', tx_keys(['{g}a', '{g}b']), argv)
        self.assertStateUnchanged(before, self.store.dump_all())


class NotificationTest(h.StoreTestCase):
    def test_each_committed_change_publishes_its_notification(self):
        k = 'notify:doc'
        sub = h.Notifications(self.store, h.channel(k))
        self.addCleanup(sub.close)
        replies = [self.store.put(k, DOC, 'op', 'create'), self.store.fcall('ss_ttl', doc_keys(k), ['ttl', '9000']),
                   self.store.fcall('ss_del', doc_keys(k))]
        got = sub.received()
        self.assertEqual([h.channel(k)] * 3, [c for c, _ in got])
        self.assertEqual([{'key': k, 'op': op, 'rev': n, 'prev': n - 1, 'id': text(r[1])}
                          for n, (op, r) in enumerate(zip(('create', 'ttl', 'del'), replies), 1)],
                         [json.loads(m) for _, m in got])

    def test_notification_is_valid_json_for_keys_needing_escapes(self):
        for k in ('q"uo\\te', 'ключ:\u00e9', 'ctl\u0085x', 'emoji:\U0001F600'):
            with self.subTest(k):
                sub = h.Notifications(self.store, h.channel(k))
                try:
                    rev, eid = self.store.put(k, DOC)
                    [(_, m)] = sub.received()
                finally:
                    sub.close()
                self.assertEqual({'key': k, 'op': 'put', 'rev': rev, 'prev': rev - 1, 'id': text(eid)},
                                 json.loads(m))

    def test_transaction_publishes_one_notification_per_document(self):
        sub = h.Notifications(self.store)
        self.addCleanup(sub.close)
        self.store.fcall('ss_tx', tx_keys(['{t}a', '{t}b']), ['--', 'put', '', '', DOC, '', 'put', '', '', DOC, ''])
        got = sub.received()
        self.assertEqual([h.channel('{t}a'), h.channel('{t}b')], [c for c, _ in got])


class StoreSettingsTest(h.StoreTestCase):
    def settings(self):
        return fields(self.store.fcall_ro('ss_config_get', [h.config_key()]))

    def test_settings_default_to_feedmax_100000_and_jsoncheck_on(self):
        self.assertEqual({'feedmax': '100000', 'jsoncheck': 'on'}, self.settings())

    def test_settings_are_set_by_name(self):
        reply = self.store.fcall('ss_config_set', [h.config_key()], ['feedmax', '50', 'jsoncheck', 'off'])
        self.assertEqual(b'OK', reply)
        self.assertEqual({'feedmax': '50', 'jsoncheck': 'off'}, self.settings())

    def test_feedmax_setting_trims_the_feed(self):
        self.store.fcall('ss_config_set', [h.config_key()], ['feedmax', '10'])
        for n in range(400):
            self.store.put('trim:doc', b'[%d]' % n)
        self.assertTrue(10 <= self.store.feed_len() < 400, self.store.feed_len())

    def test_feedmax_0_keeps_every_entry(self):
        self.store.fcall('ss_config_set', [h.config_key()], ['feedmax', '0'])
        for n in range(300):
            self.store.put('trim:doc', b'[%d]' % n)
        self.assertEqual(300, self.store.feed_len())

    def test_jsoncheck_off_lets_trusted_writers_store_any_text(self):
        self.store.fcall('ss_config_set', [h.config_key()], ['jsoncheck', 'off'])
        self.assertEqual(1, self.store.put('trusted:doc', b'{"a":')[0])
        self.store.fcall('ss_config_set', [h.config_key()], ['jsoncheck', 'on'])
        self.assertError('SS_JSON', 'ss_put', doc_keys('trusted:doc'), ['doc', b'{"a":'])


def publish_argv(event_id, event_type, data, src='tester', when='1795307409913'):
    return [event_id, event_type, src, when, data, '1000000', '86400000', '2000000']


class EventBusTest(h.StoreTestCase):
    def publish(self, event_id, event_type='asset.discovered', data=b'{"path":"/a"}'):
        return self.store.fcall('ev_publish', h.ev_publish_keys(event_type), publish_argv(event_id, event_type, data))

    def test_publish_appends_to_the_type_and_global_streams_once_per_event_id(self):
        tid, gid = self.publish('id-1')
        expected = {'id': 'id-1', 'type': 'asset.discovered', 'src': 'tester', 'time': '1795307409913',
                    'data': '{"path":"/a"}'}
        self.assertEqual([(text(tid), expected)], self.store.entries(h.type_stream('asset.discovered')))
        self.assertEqual([(text(gid), expected)], self.store.entries(h.EV + 'all'))
        self.assertIsNotNone(self.r.zscore(h.EV + 'ids', 'id-1'))
        self.assertEqual({b'asset.discovered'}, self.r.smembers(h.EV + 'types'))
        self.assertEqual([b'', b''], self.publish('id-1'))
        self.assertEqual(1, self.r.xlen(h.EV + 'all'))

    def test_the_store_limits_of_the_bus_override_a_publishers_own(self):
        """A publisher sending maxlen 1 and an ID retention of 0 trims nobody's streams or IDs once
        the admin has set the bus's limits (<p>{ev}:config, the daemon does at start)."""
        self.r.hset(h.EV + 'config', mapping={'maxlen': '1000', 'idretention': '86400000', 'maxids': '0'})
        t = 'asset.discovered'
        for n in range(150):  # housekeeping runs on one publish call in a hundred
            argv = ['hostile-%d' % n, t, 'tester', '1795307409913', b'{}', '1', '0', '1']
            self.store.fcall('ev_publish', h.ev_publish_keys(t), argv)
        self.assertEqual(150, self.r.xlen(h.type_stream(t)))
        self.assertEqual(150, self.r.zcard(h.EV + 'ids'))

    def test_publish_batch_writes_each_new_event_once(self):
        keys = h.ev_batch_keys('a.one', 'b.two')
        argv = ['0', '86400000', '0', 'e1', 'a.one', 's', '1', b'{"n":1}', 'e2', 'b.two', 's', '2', b'[2]',
                'e3', 'a.one', 's', '3', b'"three"']
        self.assertEqual(3, self.store.fcall('ev_publish_batch', keys, argv))
        self.assertEqual(0, self.store.fcall('ev_publish_batch', keys, argv))
        self.assertEqual(['e1', 'e3'], [f['id'] for _, f in self.store.entries(h.type_stream('a.one'))])
        self.assertEqual(['e1', 'e2', 'e3'], [f['id'] for _, f in self.store.entries(h.EV + 'all')])

    def read_group(self, stream, group='indexer', consumer='indexer-1'):
        reply = self.r.xreadgroup(group, consumer, {stream: '>'}, count=100)
        return reply[0][1] if reply else []

    def test_consumer_group_reads_new_events_and_acks_them(self):
        stream = h.type_stream('asset.discovered')
        self.publish('id-1')
        self.r.xgroup_create(stream, 'indexer', id='0', mkstream=True)
        self.publish('id-2')
        entries = self.read_group(stream)
        self.assertEqual(['id-1', 'id-2'], [text(f[b'id']) for _, f in entries])
        self.assertEqual(2, self.r.xpending(stream, 'indexer')['pending'])
        self.assertEqual(2, self.r.xack(stream, 'indexer', *[i for i, _ in entries]))
        self.assertEqual(0, self.r.xpending(stream, 'indexer')['pending'])
        self.assertEqual([], self.read_group(stream))

    def test_dead_letter_moves_a_pending_entry_and_redrive_brings_it_back(self):
        t = 'asset.discovered'
        stream, dlq = h.type_stream(t), h.dlq_stream(t)
        self.r.xgroup_create(stream, 'indexer', id='0', mkstream=True)
        self.publish('id-1')
        [(entry, _)] = self.read_group(stream)
        did = self.store.fcall('ev_dead', [stream, dlq], ['indexer', entry, 'IOException: disk', '5', 'indexer-1'])
        [(dead_id, f)] = self.store.entries(dlq)
        self.assertEqual(text(did), dead_id)
        self.assertEqual(('id-1', 'IOException: disk', '5', 'indexer', 'indexer-1', text(entry)),
                         (f['id'], f['error'], f['deliveries'], f['group'], f['consumer'], f['origin']))
        self.assertEqual(0, self.r.xpending(stream, 'indexer')['pending'])
        self.assertIsNone(self.store.fcall('ev_dead', [stream, dlq], ['indexer', entry, 'again', '6', 'indexer-1']))
        self.assertEqual(1, self.store.fcall('ev_redrive', [dlq, stream], ['0']))
        self.assertEqual(0, self.r.xlen(dlq))
        [(_, again)] = self.read_group(stream)
        self.assertEqual((b'id-1', b'1'), (again[b'id'], again[b'redriven']))
        self.assertNotIn(b'error', again)

    def test_trim_never_removes_pending_entries(self):
        stream = h.type_stream('asset.discovered')
        self.r.xgroup_create(stream, 'indexer', id='0', mkstream=True)
        for n in range(5):
            self.publish('id-%d' % n)
        self.r.xreadgroup('indexer', 'c', {stream: '>'}, count=2)
        self.assertEqual(0, self.store.fcall('ev_trim', [stream], ['1', '']))
        self.assertEqual(5, self.r.xlen(stream))
        self.r.xack(stream, 'indexer', *[i for i, _ in self.r.xrange(stream, count=2)])
        self.assertEqual(2, self.store.fcall('ev_trim', [stream], ['1', '']))

    def test_task_stream_takes_chunks_then_one_end_and_refuses_more(self):
        key = h.task_key('gen-42')
        self.store.fcall('ev_task', [key], ['chunk', b'"step 1 done\\n"', '3600000'])
        self.store.fcall('ev_task', [key], ['chunk', b'{"progress":0.5}', '3600000'])
        self.store.fcall('ev_task', [key], ['end', 'done', 'ok', '3600000'])
        self.assertTrue(3500000 < self.r.pttl(key) <= 3600000)
        self.assertEqual([{'c': '"step 1 done\\n"'}, {'c': '{"progress":0.5}'}, {'end': 'done', 'msg': 'ok'}],
                         [f for _, f in self.store.entries(key)])
        self.assertError('SS_INVALID', 'ev_task', [key], ['chunk', b'"late"', '3600000'])


@h.needs_module
class ModuleStepsTest(h.StoreTestCase):
    """ss_jop and ss_jwrite (module mode only)."""

    def jop(self, k, steps, *options):
        return self.store.fcall('ss_jop', doc_keys(k), [*options, '--', *steps])

    def json_get(self, k):
        return json.loads(self.r.execute_command('JSON.GET', k))

    def test_jop_creates_patches_and_increments_with_one_event_each(self):
        self.assertEqual(1, self.jop('j:doc', ['root', b'{"n":1,"list":[1],"o":{}}'], 'mode', 'json')[0])
        self.assertEqual(h.JSON_TYPE, self.r.type('j:doc'))
        rev, _, value = self.jop('j:doc', ['incr', '$.n', '2'], 'op', 'incr',
                                 'change', b'[{"op":"incr","path":"$.n","by":2}]')
        value = json.loads(value)  # JSON.NUMINCRBY with a $-path answers "[3]"
        self.assertEqual((2, [3]), (rev, value if isinstance(value, list) else [value]))
        self.jop('j:doc', ['obj', '$.o', '$', 'set', '$.o.a', '$.o', 'm', b'"x"',
                           'append', '$.list', '2', b'7', 'append', '$.list', '2', b'8'], 'op', 'merge')
        self.assertEqual({'n': 3, 'list': [7, 8], 'o': {'a': 'x'}}, self.json_get('j:doc'))
        self.assertEqual(['patch', 'incr', 'merge'], [f['op'] for _, f in self.store.feed()])
        self.assertEqual('[{"op":"incr","path":"$.n","by":2}]', self.store.feed()[1][1]['change'])
        self.assertEqual(3, self.store.feed_len())

    def test_jwrite_applies_the_same_steps_positionally(self):
        self.jop('j:doc', ['root', b'{"n":1,"o":{"a":1}}'], 'mode', 'json')
        steps = ['set', '$.o.b', '$.o', 'm', b'[true]', 'incr', '$.n', '1', 'del', '$.o.a']
        reply = self.store.fcall('ss_jwrite', doc_keys('j:doc'), h.jwrite_argv(steps, op='merge', writer='svc'))
        self.assertEqual(2, reply[0])
        self.assertEqual({'n': 2, 'o': {'b': [True]}}, self.json_get('j:doc'))
        self.assertEqual(('merge', 'svc'), (self.store.feed()[-1][1]['op'], self.store.feed()[-1][1]['writer']))

    def test_jop_keeps_the_ttl_and_records_history(self):
        self.jop('j:doc', ['root', b'{"n":1}'], 'mode', 'json')
        self.store.fcall('ss_ttl', doc_keys('j:doc'), ['ttl', '60000'])
        self.jop('j:doc', ['root', b'{"n":2}'], 'histmax', '2')
        self.assertTrue(self.r.pttl('j:doc') > 50000)
        entry = self.store.entries(h.hist_key('j:doc'))[-1][1]
        self.assertEqual({'n': 2}, json.loads(entry['doc']))

    def test_string_document_is_refused_with_ss_stringdoc(self):
        self.store.put('s:doc', DOC)
        self.assertError('SS_STRINGDOC', 'ss_jop', doc_keys('s:doc'), ['--', 'incr', '$.n', '1'])
