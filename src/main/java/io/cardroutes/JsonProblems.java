package io.cardroutes;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/** Input that is not valid JSON, as each channel reports it: the parser's exception in a failure's chain, and where. */
public final class JsonProblems {

    private JsonProblems() {
    }

    /** The first {@link JsonProcessingException} in {@code failure}'s chain of causes, or null. */
    public static JsonProcessingException in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonProcessingException json) {
                return json;
            }
        }
        return null;
    }

    /** {@code " (line L, column C)"} where the parser knows the position, else empty. */
    public static String where(JsonProcessingException json) {
        JsonLocation at = json.getLocation();
        return at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
