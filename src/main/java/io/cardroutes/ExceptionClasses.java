package io.cardroutes;

/**
 * A failure as a log line may show it: the classes of the exception and its causes, never their messages,
 * because database drivers quote the row they refused (names, mobiles, emails).
 */
public final class ExceptionClasses {

    private ExceptionClasses() {
    }

    /** {@code outer <- cause <- root}, or "unknown" for none. */
    public static String of(Throwable failure) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            chain.append(chain.length() == 0 ? "" : " <- ").append(t.getClass().getName());
        }
        return chain.length() == 0 ? "unknown" : chain.toString();
    }
}
