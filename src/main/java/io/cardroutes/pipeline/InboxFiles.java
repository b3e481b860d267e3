package io.cardroutes.pipeline;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.Exchange;

/** The two things about input files that YAML cannot say well: one-or-many records, and a readable parse error. */
public class InboxFiles {

    /** A JSON file holds one request object or an array of them; either way the splitter gets a list. */
    public List<?> records(Object body) {
        if (body instanceof List<?> list) {
            return list;
        }
        if (body instanceof Map<?, ?> single) {
            return List.of(single);
        }
        throw new InvalidRequestException("a card request file must hold a JSON object or an array of objects, not "
                + (body == null ? "nothing" : "a " + body.getClass().getSimpleName()));
    }

    /** The text of X.error.txt: what is wrong with the file, with line and column where the parser knows them. */
    public String describeError(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        StringBuilder text = new StringBuilder();
        text.append("File: ").append(file).append('\n');
        Throwable cause = caught;
        while (cause != null) {
            if (cause instanceof JsonProcessingException json) {
                JsonLocation at = json.getLocation();
                text.append("Problem: not valid JSON: ").append(json.getOriginalMessage()).append('\n');
                if (at != null) {
                    text.append("Line: ").append(at.getLineNr()).append(", column: ").append(at.getColumnNr())
                            .append('\n');
                }
                return text.toString();
            }
            if (cause.getCause() == null || cause.getCause() == cause) {
                break;
            }
            cause = cause.getCause();
        }
        text.append("Problem: ").append(cause == null ? "unknown" : cause.getClass().getSimpleName() + ": "
                + cause.getMessage()).append('\n');
        return text.toString();
    }
}
