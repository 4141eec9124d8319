package io.statestore.daemon.web;

/** The role a dashboard request needs: viewing, changing state, or administering the daemon. */
public enum Access {
    READER,
    WRITER,
    ADMIN
}
