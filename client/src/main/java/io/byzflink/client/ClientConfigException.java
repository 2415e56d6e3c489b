package io.byzflink.client;

/**
 * A client config that cannot be used: an unknown key, a bad value, a missing required key or an
 * unreadable file. The message names the key and what is allowed, so it can be shown as is.
 */
public final class ClientConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** @param message names the key and what to do */
    public ClientConfigException(String message) {
        super(message);
    }
}
