package io.statestore.client;

/**
 * Redis refused the call for want of a credential or a permission: no password, a wrong one, or
 * a role that may not do this. The message names the user, what it tried and which credential
 * would do (docs/security.md); nothing was changed.
 */
public final class PermissionDeniedException extends StateStoreException {
    public PermissionDeniedException(String message) {
        super(ErrorCode.PERMISSION_DENIED, message, null);
    }
}
