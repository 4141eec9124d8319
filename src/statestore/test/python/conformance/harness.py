"""A real redis-server with both statestore function libraries, and helpers to call and inspect it.

The server: `redis-server` from PATH or STATESTORE_TEST_REDIS_SERVER, with the JSON module named by
STATESTORE_TEST_JSON_MODULE when set (module mode), on a free loopback port in a temporary
directory, without persistence. One server per test module:

    setUpModule, tearDownModule = harness.module_server()

Libraries are installed the way a client without Java installs them (docs/protocol.md):
every line `-- #include FILE` of a library is replaced by the content of lua/FILE, then
FUNCTION LOAD REPLACE.

Key helpers derive every internal key from a document key and the internal prefix, as the v11
protocol defines them; they accept str or bytes (bytes for keys that are not valid UTF-8).
"""
import atexit
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[5]
LUA_DIR = REPO / 'src' / 'client' / 'main' / 'resources' / 'io' / 'statestore'
LIBRARIES = ('statestore.lua', 'events.lua')
INCLUDE = re.compile(rb'^-- #include (\S+)[ \t]*$', re.MULTILINE)

SERVER_ENV = 'STATESTORE_TEST_REDIS_SERVER'
MODULE_ENV = 'STATESTORE_TEST_JSON_MODULE'
MODULE_MODE = bool(os.environ.get(MODULE_ENV))
NO_MODULE_REASON = 'module mode only: set %s to a RedisJSON-compatible module (and %s to a server that loads it)' % (
    MODULE_ENV, SERVER_ENV)

PREFIX = 'ss:'
EV = 'ss:{ev}:'
JSON_TYPE = b'ReJSON-RL'


# --- libraries ---------------------------------------------------------------------------------

def library_code(name):
    """The library source ready for FUNCTION LOAD: each `-- #include FILE` line replaced by lua/FILE."""
    code = (LUA_DIR / name).read_bytes()
    return INCLUDE.sub(lambda m: (LUA_DIR / 'lua' / m.group(1).decode()).read_bytes().rstrip(b'\n'), code)


# --- keys ----------------------------------------------------------------------------------------

def as_bytes(s):
    return s if isinstance(s, bytes) else s.encode('utf-8')


def hash_tag(doc):
    """The hash tag Redis would hash ({...} with something inside), or None."""
    doc = as_bytes(doc)
    open_ = doc.find(b'{')
    if open_ < 0:
        return None
    close = doc.find(b'}', open_ + 1)
    if close <= open_ + 1:
        return None
    return doc[open_ + 1:close]


def meta_key(doc, prefix=PREFIX):
    """P.."m:{"..doc.."}" for an untagged key, P.."mt:"..doc for a key with a hash tag."""
    doc, prefix = as_bytes(doc), as_bytes(prefix)
    return prefix + b'mt:' + doc if hash_tag(doc) else prefix + b'm:{' + doc + b'}'


def hist_key(doc, prefix=PREFIX):
    """P.."h:{"..doc.."}" for an untagged key, P.."ht:"..doc for a key with a hash tag."""
    doc, prefix = as_bytes(doc), as_bytes(prefix)
    return prefix + b'ht:' + doc if hash_tag(doc) else prefix + b'h:{' + doc + b'}'


def v10_meta_key(doc, prefix=PREFIX):
    """The metadata key of LIB_VERSION <= 10 (tagged keys: P.."m:"..doc, which collided)."""
    doc, prefix = as_bytes(doc), as_bytes(prefix)
    return prefix + b'm:' + doc if hash_tag(doc) else prefix + b'm:{' + doc + b'}'


def v10_hist_key(doc, prefix=PREFIX):
    doc, prefix = as_bytes(doc), as_bytes(prefix)
    return prefix + b'h:' + doc if hash_tag(doc) else prefix + b'h:{' + doc + b'}'


def feed_key(prefix=PREFIX):
    return as_bytes(prefix) + b'feed'


def index_key(prefix=PREFIX):
    return as_bytes(prefix) + b'index'


def policy_key(prefix=PREFIX):
    return as_bytes(prefix) + b'histpolicy'


def config_key(prefix=PREFIX):
    return as_bytes(prefix) + b'config'


def channel(doc, prefix=PREFIX):
    return as_bytes(prefix) + b'chg:' + as_bytes(doc)


def doc_keys(doc, prefix=PREFIX):
    """KEYS of a single-document call: doc, meta, hist, feed, index."""
    return [as_bytes(doc), meta_key(doc, prefix), hist_key(doc, prefix), feed_key(prefix), index_key(prefix)]


def pair_keys(doc, prefix=PREFIX):
    """KEYS of ss_get: doc, meta."""
    return [as_bytes(doc), meta_key(doc, prefix)]


def tx_keys(docs, prefix=PREFIX):
    """KEYS of ss_tx: feed, index, then doc, meta, hist per document."""
    keys = [feed_key(prefix), index_key(prefix)]
    for d in docs:
        keys += [as_bytes(d), meta_key(d, prefix), hist_key(d, prefix)]
    return keys


def ev_publish_keys(event_type):
    return [type_stream(event_type), as_bytes(EV) + b'all', as_bytes(EV) + b'ids', as_bytes(EV) + b'types']


def ev_batch_keys(*event_types):
    ev = as_bytes(EV)
    return [ev + b'all', ev + b'ids', ev + b'types'] + [type_stream(t) for t in event_types]


def type_stream(event_type):
    return as_bytes(EV) + b't:' + as_bytes(event_type)


def dlq_stream(event_type):
    return as_bytes(EV) + b'dlq:' + as_bytes(event_type)


def task_key(task_id, prefix=PREFIX):
    return as_bytes(prefix) + b'task:{' + as_bytes(task_id) + b'}'


# --- arguments -----------------------------------------------------------------------------------

WRITE_ARGS = ('op', 'doc', 'change', 'ifrev', 'wid', 'writer', 'feedmax', 'mode', 'ttl', 'histmax', 'histage', 'src')
JWRITE_ARGS = ('op', 'change', 'ifrev', 'wid', 'writer', 'feedmax', 'mode', 'histmax', 'histage', 'src')


def _positional(names, given):
    unknown = set(given) - set(names)
    if unknown:
        raise TypeError('unknown arguments %s' % sorted(unknown))
    return [given.get(n, '') for n in names]


def write_argv(**given):
    """ss_write's twelve positional arguments, '' for those not given."""
    return _positional(WRITE_ARGS, given)


def jwrite_argv(steps, **given):
    """ss_jwrite's ten positional arguments ('' for those not given), then the steps."""
    return _positional(JWRITE_ARGS, given) + list(steps)


def nested_json(depth):
    """An array nested depth levels deep."""
    return b'[' * depth + b']' * depth


def long_number(chars):
    """A number literal of exactly chars characters."""
    return b'1' * chars


# --- replies -------------------------------------------------------------------------------------

def text(v):
    """bytes from Redis as str (undecodable bytes kept as surrogate escapes); other values as they are."""
    if isinstance(v, bytes):
        return v.decode('utf-8', 'surrogateescape')
    if isinstance(v, list):
        return [text(x) for x in v]
    return v


def fields(reply):
    """A stream entry's or a hash's fields, as a flat [name, value, ...] reply or a dict, as a dict of str."""
    if isinstance(reply, dict):
        return {text(k): text(v) for k, v in reply.items()}
    flat = text(reply)
    return dict(zip(flat[0::2], flat[1::2]))


def error_code(err):
    """The first word of an error reply."""
    return str(err).split(' ', 1)[0]


# --- the server ----------------------------------------------------------------------------------

def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _die_with_parent():
    """preexec_fn: the server gets SIGTERM when the test process dies, however it dies (Linux)."""
    try:
        ctypes.CDLL('libc.so.6', use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class RedisServer:
    """One redis-server process; start() returns it running with both libraries loaded."""

    def __init__(self):
        self.binary = os.environ.get(SERVER_ENV) or 'redis-server'
        self.module = os.environ.get(MODULE_ENV) or None
        self.dir = None
        self.process = None
        self.port = None

    def start(self, attempts=3):
        self.dir = tempfile.mkdtemp(prefix='statestore-conformance-')
        atexit.register(self.stop)
        try:
            for attempt in range(attempts):
                self.port = _free_port()
                if self._launch():
                    break
                if attempt == attempts - 1:
                    raise RuntimeError('redis-server did not start on port %d:\n%s' % (self.port, self.log()))
            store = Store(self)
            try:
                store.load_libraries()
            finally:
                store.r.close()
            return self
        except BaseException:
            self.stop()
            raise

    def _launch(self):
        args = [self.binary, '--port', str(self.port), '--bind', '127.0.0.1', '--dir', self.dir,
                '--save', '', '--appendonly', 'no', '--logfile', os.path.join(self.dir, 'redis.log')]
        if self.module:
            args += ['--loadmodule', self.module]
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        probe = self.client(socket_timeout=1)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    return False  # e.g. the port was taken meanwhile
                try:
                    if probe.ping():
                        return True
                except redis.ConnectionError:
                    time.sleep(0.02)
        finally:
            probe.close()
        self._kill()
        return False

    def client(self, socket_timeout=120):
        return redis.Redis(host='127.0.0.1', port=self.port, socket_timeout=socket_timeout)

    def log(self):
        try:
            return Path(self.dir, 'redis.log').read_text(errors='replace')[-4000:]
        except OSError:
            return '(no log)'

    def _kill(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def stop(self):
        self._kill()
        self.process = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


class Store:
    """A connection to the test server, with the calls and snapshots the tests make."""

    def __init__(self, server):
        self.server = server
        self.r = server.client()

    def load_libraries(self):
        for name in LIBRARIES:
            self.r.execute_command('FUNCTION', 'LOAD', 'REPLACE', library_code(name))

    def reset(self):
        """An empty database with freshly loaded libraries (their Lua state, e.g. caches, reset too)."""
        self.r.flushall()
        self.load_libraries()

    def fcall(self, function, keys, argv=()):
        """FCALL; an error reply raises redis.ResponseError."""
        return self.r.execute_command('FCALL', function, len(keys), *keys, *argv)

    def fcall_ro(self, function, keys, argv=()):
        return self.r.execute_command('FCALL_RO', function, len(keys), *keys, *argv)

    def attempt(self, function, keys, argv=()):
        """(reply, None) or (None, error) for FCALL."""
        try:
            return self.fcall(function, keys, argv), None
        except redis.ResponseError as e:
            return None, e

    # Single-document shortcuts used by many tests.
    def put(self, doc, value, *options, prefix=PREFIX):
        return self.fcall('ss_put', doc_keys(doc, prefix), ['doc', value, *options])

    def get(self, doc, prefix=PREFIX):
        return self.fcall_ro('ss_get', pair_keys(doc, prefix))

    def meta(self, doc, prefix=PREFIX):
        return fields(self.r.hgetall(meta_key(doc, prefix)))

    def entries(self, stream):
        """A stream's entries as (id, fields dict), oldest first."""
        return [(text(i), fields(f)) for i, f in self.r.xrange(stream)]

    def feed(self, prefix=PREFIX):
        return self.entries(feed_key(prefix))

    def feed_len(self, prefix=PREFIX):
        return self.r.xlen(feed_key(prefix))

    def dump_all(self):
        """Every key -> (TYPE, DUMP bytes, PTTL)."""
        snap = {}
        for key in self.r.scan_iter(count=1000):
            dump = self.r.dump(key)
            if dump is None:
                continue  # expired between SCAN and DUMP
            snap[key] = (self.r.type(key), dump, self.r.pttl(key))
        return snap


def _ttl_ran_down(before, after, slack_ms):
    if before < 0 or after < 0:
        return before == after
    return 0 <= before - after < slack_ms


def state_diff(before, after, ttl_slack_ms=10000):
    """What differs between two dump_all() snapshots ('' when nothing): keys, types, DUMP bytes
    exactly; a TTL may only have run down (by less than ttl_slack_ms), never been set or raised."""
    out = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        if b is None:
            out.append('added %r (%s)' % (key, text(a[0])))
        elif a is None:
            out.append('removed %r' % (key,))
        elif a[0] != b[0] or a[1] != b[1]:
            out.append('changed %r (%s)' % (key, text(a[0])))
        elif not _ttl_ran_down(b[2], a[2], ttl_slack_ms):
            out.append('TTL of %r went from %d to %d ms' % (key, b[2], a[2]))
    return '; '.join(out)


class Notifications:
    """The messages PUBLISHed on the server (all channels, or the ones named), read in order.

    received() publishes a marker of its own and returns what came before it: pub/sub keeps the
    order of one server, so nothing published before the marker can still be on its way."""
    MARKER = b'conformance:marker'

    def __init__(self, store, *channels):
        self.r = store.r
        self.seq = 0
        self.pubsub = store.server.client().pubsub()
        if channels:
            self.pubsub.subscribe(self.MARKER, *channels)
            expected = 1 + len(channels)
        else:
            self.pubsub.psubscribe('*')
            expected = 1
        confirmed = 0
        while confirmed < expected:
            m = self.pubsub.get_message(timeout=5)
            if m is None:
                raise AssertionError('subscription was not confirmed')
            confirmed += m['type'] in ('subscribe', 'psubscribe')

    def received(self, timeout=5):
        """[(channel, message bytes), ...] published since the last call."""
        self.seq += 1
        token = str(self.seq).encode()
        self.r.publish(self.MARKER, token)
        out = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = self.pubsub.get_message(timeout=0.5)
            if m is None or m['type'] not in ('message', 'pmessage'):
                continue
            if m['channel'] == self.MARKER:
                if m['data'] == token:
                    return out
                continue
            out.append((m['channel'], m['data']))
        raise AssertionError('the marker notification did not arrive within %ss' % timeout)

    def close(self):
        self.pubsub.close()


def module_server():
    """(setUpModule, tearDownModule) for a test module: one server for all its tests."""
    def set_up():
        StoreTestCase.server = RedisServer().start()

    def tear_down():
        if StoreTestCase.server:
            StoreTestCase.server.stop()
            StoreTestCase.server = None

    return set_up, tear_down


class StoreTestCase(unittest.TestCase):
    """A test on the module's server, starting from an empty database with fresh libraries."""
    server = None

    def setUp(self):
        self.store = Store(self.server)
        self.r = self.store.r
        self.store.reset()
        self.addCleanup(self.r.close)

    def assertError(self, code, function, keys, argv=()):
        reply, err = self.store.attempt(function, keys, argv)
        self.assertIsNotNone(err, '%s should fail with %s, replied %r' % (function, code, reply))
        self.assertEqual(code, error_code(err), str(err))
        return str(err)

    def assertStateUnchanged(self, before, after):
        diff = state_diff(before, after)
        self.assertFalse(diff, diff)


def needs_module(test):
    return unittest.skipUnless(MODULE_MODE, NO_MODULE_REASON)(test)


def portable_only(test):
    return unittest.skipIf(MODULE_MODE, 'portable mode only: the server has a JSON module')(test)
