package io.statestore.client.internal;

import io.statestore.client.ErrorCode;
import io.statestore.client.StateStoreException;

/**
 * A module-mode in-place update met a document kept as a JSON string (written before the
 * module was there). Never leaves the client: the update is redone as a whole-document write.
 */
final class StoredAsStringException extends StateStoreException {
    StoredAsStringException(String key, String message) {
        super(ErrorCode.INVALID_INPUT, "\"" + key + "\" is stored as a JSON string: " + message, null);
    }
}
