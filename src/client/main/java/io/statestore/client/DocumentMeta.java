package io.statestore.client;

import java.time.Instant;
import java.util.Optional;

/**
 * What statestore records about a document besides its content.
 *
 * @param revision rises by exactly one with every committed change
 * @param created  when the document was (last) created
 * @param updated  when it last changed
 * @param writer   the writer name of the last change
 * @param expiresAt when Redis will expire it, if it has a TTL
 */
public record DocumentMeta(
        long revision, Instant created, Instant updated, String writer, Optional<Instant> expiresAt) {}
