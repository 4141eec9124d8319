package io.statestore.client.internal;

import io.statestore.client.ChangeEvent;
import io.statestore.client.HistoryEntry;
import io.statestore.client.StateStoreException;
import io.statestore.client.UnavailableException;
import java.util.Optional;

/**
 * The document that goes with a change event: the version of that revision from history when
 * the key keeps history, else the current document (possibly newer; its revision says so).
 */
final class DocumentLookup {
    private final HistoryPolicies policies;
    private final HistoryReads history;
    private final DocumentReads documents;

    DocumentLookup(HistoryPolicies policies, HistoryReads history, DocumentReads documents) {
        this.policies = policies;
        this.history = history;
        this.documents = documents;
    }

    /** The event with its document, or without one and the reason it could not be read. */
    record Attached(ChangeEvent event, StateStoreException unreadable) {}

    /**
     * The event with its document. Unavailability propagates (the watcher reconnects and retries
     * the entry); a document that cannot be read as one (a foreign key type, invalid content) is
     * left out, and the reason returned for the listener, rather than stalling the watch.
     */
    Attached attach(ChangeEvent e) {
        if (e.isDeletion()) {
            return new Attached(e, null);
        }
        try {
            return new Attached(lookup(e), null);
        } catch (UnavailableException unavailable) {
            throw unavailable;
        } catch (StateStoreException unreadable) {
            return new Attached(e, unreadable);
        }
    }

    private ChangeEvent lookup(ChangeEvent e) {
        if (policies.effective(e.key()).enabled()) {
            Optional<HistoryEntry> h = history.exact(e.key(), e.revision());
            if (h.isPresent() && h.get().document().isPresent()) {
                return e.withDocument(h.get().document().get(), e.revision());
            }
        }
        StoredDocument current = documents.read(e.key());
        return current.exists() ? e.withDocument(current.json(), current.revision()) : e;
    }
}
