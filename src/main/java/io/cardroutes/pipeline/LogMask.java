package io.cardroutes.pipeline;

import java.util.regex.Pattern;

/**
 * Masks what may identify a person in a text bound for a log line (an error that quotes EnKash's
 * answer): e-mail addresses entirely, runs of 8 or more digits (mobiles, account numbers) but their
 * last 2 digits.
 */
public final class LogMask {

    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
    private static final Pattern DIGITS = Pattern.compile("\\d{6,}(\\d{2})");

    private LogMask() {
    }

    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        return DIGITS.matcher(EMAIL.matcher(text).replaceAll("***@***")).replaceAll("******$1");
    }
}
