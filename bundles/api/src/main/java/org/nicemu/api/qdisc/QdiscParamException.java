package org.nicemu.api.qdisc;

/** A bad qdisc kind or parameter; the message names what was wrong and what is accepted. */
public class QdiscParamException extends Exception {
    private static final long serialVersionUID = 1L;

    public QdiscParamException(String message) {
        super(message);
    }
}
