package io.cardroutes.enkash;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Reads the {@code createdDate} of a card in EnKash's search answer. EnKash's docs show no format:
 * an ISO instant or offset date-time, a local date-time (read in EnKash's zone, India), or epoch
 * milliseconds are understood; anything else is "unknown", never a guess.
 */
public final class CreatedDates {

    private static final List<DateTimeFormatter> LOCAL = List.of(DateTimeFormatter.ISO_LOCAL_DATE_TIME,
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]"));

    private final ZoneId zone;

    public CreatedDates(ZoneId zone) {
        this.zone = zone;
    }

    /** The instant the card was made, or null when EnKash gave none or one this cannot read. */
    public Instant parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        if (t.chars().allMatch(Character::isDigit) && t.length() >= 12) {
            return Instant.ofEpochMilli(Long.parseLong(t));
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException notOffset) {
            // try the local forms
        }
        for (DateTimeFormatter format : LOCAL) {
            try {
                return LocalDateTime.parse(t, format).atZone(zone).toInstant();
            } catch (DateTimeParseException notThis) {
                // next form
            }
        }
        return null;
    }
}
