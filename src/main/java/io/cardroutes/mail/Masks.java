package io.cardroutes.mail;

/** How a person's mobile and email appear in mails: enough to recognise, not enough to use. */
public final class Masks {

    private Masks() {
    }

    /** "9876501501" becomes "******1501". */
    public static String mobile(Object value) {
        String s = value == null ? "" : value.toString().trim();
        if (s.isEmpty()) {
            return "";
        }
        int keep = Math.min(4, s.length() / 2);
        return "*".repeat(s.length() - keep) + s.substring(s.length() - keep);
    }

    /** "uma@example.com" becomes "u***@example.com"; anything without an @ is starred out. */
    public static String email(Object value) {
        String s = value == null ? "" : value.toString().trim();
        int at = s.lastIndexOf('@');
        if (s.isEmpty()) {
            return "";
        }
        if (at < 1) {
            return "***";
        }
        return s.charAt(0) + "***" + s.substring(at);
    }
}
