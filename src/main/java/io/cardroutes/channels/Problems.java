package io.cardroutes.channels;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * HTTP answers of the REST channel: JSON bodies, and RFC 9457 problem details
 * ({@code type, title, status, detail} plus members of our own) for everything that is not a success.
 * The routes choose the status ({@code CamelHttpResponseCode}); a problem's {@code status} member
 * repeats it. Every answer starts from an empty header set but that status, so nothing of the request
 * (its API key included) is echoed.
 */
final class Problems {

    static final String JSON_TYPE = "application/json";
    static final String PROBLEM_TYPE = "application/problem+json";
    /** Problem types are URNs: stable names that promise no documentation page. */
    static final String TYPE_PREFIX = "urn:enkash-card-routes:problem:";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    /** The body as the answer, with the status the route chose. */
    static void json(Exchange exchange, Object body) {
        respond(exchange, JSON_TYPE, body);
    }

    static Map<String, Object> problem(String type, String title, int status, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", TYPE_PREFIX + type);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        return problem;
    }

    /** A problem with the status the route chose. */
    static Map<String, Object> problem(Exchange exchange, String type, String title, String detail) {
        return problem(type, title, status(exchange), detail);
    }

    static void problem(Exchange exchange, Map<String, Object> problem) {
        respond(exchange, PROBLEM_TYPE, problem);
    }

    static String text(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON", e);
        }
    }

    private static int status(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status == null) {
            throw new IllegalStateException("the route chose no status (" + Exchange.HTTP_RESPONSE_CODE + ")");
        }
        return status;
    }

    private static void respond(Exchange exchange, String contentType, Object body) {
        int status = status(exchange);
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setHeader("Cache-Control", "no-store");
        message.setBody(text(body));
    }
}
