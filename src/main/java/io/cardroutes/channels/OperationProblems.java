package io.cardroutes.channels;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;

/**
 * The problem+json answers for a call to a known path with a method the path does not take (405,
 * with {@code Allow}) or a body type its operation does not consume (415). platform-http answers
 * those from a router the bundle cannot reach, with an empty body; this reads the operations the REST
 * DSL registered and says which answer a call gets, or none when the call is for a route to decide.
 */
final class OperationProblems {

    private final PlatformHttpComponent http;

    OperationProblems(PlatformHttpComponent http) {
        this.http = http;
    }

    /** The problem for this call, or null when some operation takes it (or the path is unknown here). */
    Map<String, Object> problem(String method, String path, String contentType) {
        List<HttpEndpointModel> atPath = new ArrayList<>();
        for (HttpEndpointModel endpoint : http.getHttpEndpoints()) {
            if (template(endpoint.getUri()).matcher(path).matches()) {
                atPath.add(endpoint);
            }
        }
        if (atPath.isEmpty()) {
            return null;
        }
        Set<String> allowed = new TreeSet<>();
        HttpEndpointModel operation = null;
        for (HttpEndpointModel endpoint : atPath) {
            for (String verb : verbs(endpoint)) {
                allowed.add(verb);
                if (verb.equalsIgnoreCase(method)) {
                    operation = endpoint;
                }
            }
        }
        if (operation == null) {
            Map<String, Object> problem = Problems.problem("method-not-allowed", "The method is not allowed here", 405,
                    method + " is not an operation of " + path + "; it takes " + String.join(", ", allowed));
            problem.put("allow", String.join(", ", allowed));
            return problem;
        }
        String consumes = operation.getConsumes();
        if (consumes != null && !consumes.isBlank() && !accepted(consumes, contentType)) {
            return Problems.problem("unsupported-media-type", "The body's Content-Type is not one this operation reads",
                    415, "send the body as " + consumes.replace(",", " or ")
                            + (contentType == null ? " (no Content-Type was given)" : ", not " + contentType));
        }
        return null;
    }

    private static List<String> verbs(HttpEndpointModel endpoint) {
        String verbs = endpoint.getVerbs();
        if (verbs == null || verbs.isBlank()) {
            return List.of();
        }
        List<String> all = new ArrayList<>();
        for (String verb : verbs.split(",")) {
            all.add(verb.trim().toUpperCase(Locale.ROOT));
        }
        return all;
    }

    private static boolean accepted(String consumes, String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (String one : consumes.split(",")) {
            if (one.trim().toLowerCase(Locale.ROOT).equals(type)) {
                return true;
            }
        }
        return false;
    }

    /** {@code /api/v1/cards/{requestId}} as a pattern: each {name} is one path segment. */
    private static Pattern template(String uri) {
        StringBuilder regex = new StringBuilder();
        for (String part : uri.split("(?=\\{)|(?<=})")) {
            regex.append(part.startsWith("{") && part.endsWith("}") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex + "/?");
    }
}
