package org.nicemu.api.driver;

/** A driver could not bind or a driver parameter is bad; the message says what and what is accepted. */
public class DriverException extends Exception {
    private static final long serialVersionUID = 1L;

    public DriverException(String message) {
        super(message);
    }
}
