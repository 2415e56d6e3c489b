package io.byzflink.training.store;

import java.io.IOException;

/**
 * A stored model version is damaged: its parameters do not match the recorded hash or layout, or
 * its metadata cannot be read. The message names the file and what to do.
 */
public class CorruptModelException extends IOException {

    private static final long serialVersionUID = 1L;

    public CorruptModelException(String message) {
        super(message);
    }

    public CorruptModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
