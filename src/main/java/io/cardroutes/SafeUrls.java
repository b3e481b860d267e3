package io.cardroutes;

/**
 * A connection URL fit for a log line: where it points, without what may carry a credential (a
 * {@code user:password@} part, a query string, JDBC options after {@code ;}).
 */
public final class SafeUrls {

    private SafeUrls() {
    }

    public static String describe(String url) {
        if (url == null) {
            return "none";
        }
        String safe = url.trim();
        int cut = firstOf(safe, '?', ';');
        if (cut >= 0) {
            safe = safe.substring(0, cut) + safe.charAt(cut) + "...";
        }
        int authority = safe.indexOf("//");
        int at = safe.indexOf('@', authority + 2);
        int path = safe.indexOf('/', authority + 2);
        if (authority >= 0 && at > authority && (path < 0 || at < path)) {
            safe = safe.substring(0, authority + 2) + "***@" + safe.substring(at + 1);
        }
        return safe;
    }

    private static int firstOf(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
