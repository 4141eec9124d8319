"""The Python side of PythonRoundTripTest: documents written by redis-py read back byte-exact by the
Java client, and the other way round. Talks to a server the Java test started (libraries loaded).

    roundtrip.py PORT write   writes every sample of SAMPLES as rt:py:<n> with FCALL ss_put,
                              printing "<key> <hex of the bytes sent>" per line
    roundtrip.py PORT read KEY...
                              prints "<key> <hex of the stored bytes>" per key, as ss_get returns them
"""
import os
import sys

import redis

# Texts a Python service writes, in the compact form statestore keeps (no spaces, UTF-8, key order):
# big integers, decimals with trailing zeros, exponents Java would print the same, escapes, empty
# containers, non-BMP characters.
SAMPLES = [
    '{"state":"running","pid":4242}',
    '{"n":12345678901234567890123,"d":100.50,"e":1.0E+25,"neg":-0.001}',
    '{"empty":[],"obj":{},"nested":[[],[{}]],"null":null,"t":true,"f":false}',
    '{"z":1,"a":2,"m":3}',
    '{"text":"Überprüfung der Zustände ✓ 🧠","quote":"say \\"hi\\"","nl":"a\\nb","tab":"\\t"}',
    '[1,"two",3.0,{"four":[5]}]',
    '"just a string"',
    '9007199254740993',
]


def keys(key):
    return [key, 'ss:m:{%s}' % key, 'ss:h:{%s}' % key, 'ss:feed', 'ss:index']


def main():
    # As a service would, with the role's password from a file (docs/security.md), or none.
    user = os.environ.get('STATESTORE_USER')
    password_file = os.environ.get('STATESTORE_PASSWORD_FILE')
    password = open(password_file).read().strip() if password_file else None
    r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]), username=user, password=password)
    if sys.argv[2] == 'write':
        for n, text in enumerate(SAMPLES):
            key = 'rt:py:%d' % n
            data = text.encode('utf-8')
            r.fcall('ss_put', 5, *keys(key), 'doc', data, 'writer', 'python')
            print(key, data.hex())
    else:
        for key in sys.argv[3:]:
            print(key, r.fcall_ro('ss_get', 2, key, 'ss:m:{%s}' % key)[0].hex())


if __name__ == '__main__':
    main()
