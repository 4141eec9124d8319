package io.statestore.daemon.backup;

/** Redis's CRC-64 (Jones polynomial, reflected, init 0), as in the RDB trailer. */
public final class Crc64 {
    private static final long[] TABLE = new long[256];

    static {
        long poly = 0x95AC9329AC4BC9B5L; // 0xad93d23594c935a9 bit-reflected
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ poly : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private long crc;

    public void update(byte[] b, int off, int len) {
        long c = crc;
        for (int i = off; i < off + len; i++) {
            c = TABLE[(int) ((c ^ b[i]) & 0xff)] ^ (c >>> 8);
        }
        crc = c;
    }

    public long value() {
        return crc;
    }
}
