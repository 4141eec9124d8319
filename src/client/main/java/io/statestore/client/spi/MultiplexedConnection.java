package io.statestore.client.spi;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.PushConsumerChain;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.RedisInputStream;
import redis.clients.jedis.util.RedisOutputStream;

/**
 * One connection that the calls of many threads share: a caller queues its command, whichever
 * caller holds the send lock writes every queued command and flushes once, and replies are read
 * by one of the waiting callers at a time (leader and followers): it hands each reply before its
 * own to that reply's caller, in order (Redis answers a connection's commands in the order they
 * were sent), stops at its own, and wakes the oldest caller still waiting to read on. Sixteen
 * threads' calls then cost the server one read and one write of the socket instead of sixteen
 * of each; a lone caller writes and reads its own reply with no other thread involved
 * (docs/multiplexing.md has the figures).
 *
 * <p>Only calls that return at once go here (function calls; never a blocking read): one slow
 * call holds up the replies queued behind it. When the connection fails, every call on it
 * fails: those already written with the failure (their outcome is unknown), those never
 * written as {@link NotSent}, which the caller may send again on a new connection.
 */
final class MultiplexedConnection extends Connection {
    private final Queue<Pending> unsent = new ConcurrentLinkedQueue<>();
    private final Queue<Pending> awaiting = new ConcurrentLinkedQueue<>();
    private final ReentrantLock sending = new ReentrantLock();
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicReference<JedisException> failure = new AtomicReference<>();
    private final HostAndPort address;
    private final OneSocket socket;
    private final RedisOutputStream commands; // written only by the holder of the send lock
    private final int timeoutMillis;
    private volatile RedisInputStream replies; // known after the first reply was read
    private volatile long lastReply = System.nanoTime();

    /** Connects and authenticates now (failures are Jedis's, before anything was sent). */
    MultiplexedConnection(HostAndPort address, JedisClientConfig config) {
        this(address, config, new OneSocket(new DefaultJedisSocketFactory(address, config)));
    }

    private MultiplexedConnection(HostAndPort address, JedisClientConfig config, OneSocket socket) {
        super(socket, config);
        this.address = address;
        this.socket = socket;
        this.commands = socket.output();
        this.timeoutMillis = config.getSocketTimeoutMillis();
    }

    HostAndPort address() {
        return address;
    }

    /**
     * Whether nothing is in flight and no reply came for {@code nanos}: a server that restarted
     * meanwhile closed the connection, and nobody was reading to notice.
     */
    boolean idleFor(long nanos) {
        return awaiting.isEmpty() && unsent.isEmpty() && System.nanoTime() - lastReply > nanos;
    }

    /** Whether the connection has failed or was closed: calls must go to a new one. */
    boolean failed() {
        return failure.get() != null;
    }

    /**
     * Sends {@code command} and waits up to {@code timeout} for its reply. An error reply is
     * thrown as Jedis throws it ({@link JedisDataException}); a connection that fails or does
     * not answer in time is closed, and its failure thrown ({@link NotSent} for a command it
     * never wrote).
     */
    <T> T call(CommandObject<T> command, Duration timeout) {
        Pending pending = new Pending(command, Thread.currentThread());
        unsent.add(pending);
        sendQueued();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false; // kept for later: a pooled connection's read ignores it too
        while (pending.reply == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail(new JedisConnectionException(
                        "no reply from " + address + " within " + timeout.toMillis() + " ms",
                        new SocketTimeoutException("Read timed out")));
                left = 1_000_000; // failed, but the sender still holds this call: it completes it shortly
            } else if (!failed() && reading.compareAndSet(false, true)) {
                readUntil(pending, deadline);
                continue;
            } else if (failed()) {
                failQueued(); // completes this call unless the sender still holds it (then the sender will)
            }
            if (pending.reply == null) {
                LockSupport.parkNanos(this, left);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (pending.reply instanceof Failure f) {
            throw f.error;
        }
        return command.getBuilder().build(pending.reply == NIL ? null : pending.reply);
    }

    /**
     * As the reader: reads replies, each to its caller, until {@code own} has its reply (or the
     * connection failed) and no further reply has arrived yet, then lets the oldest caller still
     * waiting read on. Reading what has arrived spares a waiting caller a wake-up to read it.
     * While its own reply is missing, a read waits no longer than the reader's own deadline (it
     * may have got its turn late); after that, as long as the timeout.
     */
    private void readUntil(Pending own, long deadline) {
        try {
            while (!failed() && (own.reply == null || (awaiting.peek() != null && replyArrived()))) {
                Object raw;
                try {
                    setSoTimeout(
                            own.reply == null
                                    ? (int) Math.max(1, (deadline - System.nanoTime() + 999_999) / 1_000_000)
                                    : timeoutMillis);
                    raw = getUnflushedObject();
                } catch (JedisDataException e) {
                    raw = new Failure(e); // an error reply: the connection is still in step
                } catch (RuntimeException e) { // a socket timeout: the reader's deadline passed
                    fail(e instanceof JedisConnectionException c ? c : new JedisConnectionException(e));
                    return;
                } catch (Error e) { // (OutOfMemoryError, ...) part of a reply may be left unread
                    fail(new JedisConnectionException("reading a reply from " + address + " failed", e));
                    throw e;
                }
                Pending p = awaiting.poll();
                if (p == null) {
                    fail(new JedisConnectionException("a reply from " + address + " that no call is waiting for"));
                    return;
                }
                lastReply = System.nanoTime();
                p.complete(raw);
            }
        } finally {
            reading.set(false);
            Pending next = awaiting.peek();
            if (next != null) {
                LockSupport.unpark(next.caller);
            }
        }
    }

    /**
     * Writes what is queued, unless another caller holds the lock: that caller sends it then,
     * as it checks the queue again after letting go (so a queued command is never left behind).
     */
    private void sendQueued() {
        while (!unsent.isEmpty() && !failed() && sending.tryLock()) {
            try {
                boolean wrote = false;
                for (Pending p; !failed() && (p = unsent.poll()) != null; ) {
                    awaiting.add(p); // before it is written, so that its reply finds it
                    p.written = true;
                    Protocol.sendCommand(commands, p.command.getArguments());
                    wrote = true;
                }
                if (wrote) {
                    commands.flush();
                }
            } catch (IOException e) {
                fail(new JedisConnectionException(e));
            } catch (RuntimeException e) {
                fail(e instanceof JedisConnectionException c ? c : new JedisConnectionException(e));
            } catch (Error e) { // part of a command may be in the stream: nothing may follow it
                fail(new JedisConnectionException("writing to " + address + " failed", e));
                throw e;
            } finally {
                sending.unlock();
            }
        }
        if (failed()) {
            failQueued(); // a call queued after fail() drained the queues
        } else if (!reading.get()) {
            // a caller whose command another thread wrote may have found a reader that has
            // left since without seeing that command among those awaiting a reply
            Pending head = awaiting.peek();
            if (head != null) {
                LockSupport.unpark(head.caller);
            }
        }
    }

    private boolean replyArrived() {
        try {
            RedisInputStream in = replies;
            return in != null && in.available() > 0;
        } catch (java.io.IOException e) {
            return false; // the next read will say what is wrong
        }
    }

    @Override
    protected Object protocolRead(RedisInputStream in, PushConsumerChain pushes) {
        replies = in;
        return super.protocolRead(in, pushes);
    }

    /**
     * Closes the connection and fails every call on it; the first failure is the one kept. The
     * socket is closed without the flush of {@link #disconnect()}: any thread may fail the
     * connection, and a flush from one that is not the sender would write the send buffer again
     * beside the sender (commands applied twice, or after later ones on a new connection).
     */
    private void fail(JedisException e) {
        if (failure.compareAndSet(null, e)) {
            setBroken();
            socket.close();
        }
        failQueued();
    }

    /**
     * Fails every call still waiting. Those written stay in {@code awaiting}, which only the
     * reader takes from: a reader that has just read a reply gives it to the call it belongs to
     * (or to none, if that call was failed first), never to the call after it.
     */
    private void failQueued() {
        JedisException cause = failure.get();
        for (Pending p : awaiting) {
            p.complete(new Failure(cause));
        }
        for (Pending p; (p = unsent.poll()) != null; ) {
            p.complete(new Failure(p.written ? cause : new NotSent(address, cause)));
        }
    }

    @Override
    public void close() {
        fail(new JedisConnectionException("the connection to " + address + " was closed"));
    }

    /**
     * The failure of a call this connection never wrote: it did nothing, and may be sent again
     * on another connection.
     */
    static final class NotSent extends JedisConnectionException {
        NotSent(HostAndPort address, Throwable cause) {
            super("the call was not sent: the connection to " + address + " failed first", cause);
        }
    }

    private static final class Pending {
        private static final VarHandle REPLY;

        static {
            try {
                REPLY = MethodHandles.lookup().findVarHandle(Pending.class, "reply", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final CommandObject<?> command;
        final Thread caller;
        volatile Object reply; // null until answered; a Failure when the call failed
        volatile boolean written;

        Pending(CommandObject<?> command, Thread caller) {
            this.command = command;
            this.caller = caller;
        }

        /** The first completion counts: a failure and a reply read just before it race for one call. */
        void complete(Object raw) {
            if (REPLY.compareAndSet(this, null, raw == null ? NIL : raw)) { // null means "no reply yet"
                LockSupport.unpark(caller);
            }
        }
    }

    /**
     * The connection's one socket: kept so that {@link #fail} can close it from any thread, and
     * so that commands are written to it by this class, not by Jedis's {@code sendCommand}, which
     * opens a closed connection again (a call of a failed connection would go out on a new,
     * unauthenticated socket that nobody reads or closes) and, when a write fails, reads the
     * replies' stream for an error line (beside the reader, taking bytes of its replies). Never
     * opened again once closed.
     */
    private static final class OneSocket implements JedisSocketFactory {
        private final JedisSocketFactory factory;
        private Socket socket;
        private boolean closed;

        OneSocket(JedisSocketFactory factory) {
            this.factory = factory;
        }

        @Override
        public synchronized Socket createSocket() {
            if (closed) {
                throw new JedisConnectionException("the shared connection was closed; it is not opened again");
            }
            socket = factory.createSocket();
            return socket;
        }

        synchronized RedisOutputStream output() {
            try {
                return new RedisOutputStream(socket.getOutputStream());
            } catch (IOException e) {
                throw new JedisConnectionException(e);
            }
        }

        synchronized void close() {
            closed = true;
            if (socket != null) {
                try {
                    socket.close(); // a read or write blocked on it in another thread fails at once
                } catch (IOException ignored) {
                    // closing a broken socket: nothing more to learn
                }
            }
        }
    }

    /** A nil reply (GET of a missing key, a function returning nil) in a slot where null means "not yet". */
    private static final Object NIL = new Object();

    /** A reply slot's failure: completing with it (not exceptionally) spares a wrapped exception. */
    private record Failure(JedisException error) {}
}
