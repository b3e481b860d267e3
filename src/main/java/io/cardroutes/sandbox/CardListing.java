package io.cardroutes.sandbox;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The search's list answer {"code":0,"message":"Success","payload":{"recordsCount":n,"data":[...]}}.
 * recordsCount is always every matching card; data may name fewer (a page size, a partial listing),
 * which is how an incomplete answer looks: fewer cards listed than counted.
 */
final class CardListing {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CardListing() {
    }

    /** The answer body listing the first {@code listed} of the matching cards (all when there are fewer). */
    static String body(List<ObjectNode> matching, int listed) {
        ArrayNode data = JSON.createArrayNode();
        matching.stream().limit(Math.max(0, listed)).forEach(data::add);
        ObjectNode body = JSON.createObjectNode();
        body.put("code", 0);
        body.put("message", "Success");
        ObjectNode payload = body.putObject("payload");
        payload.put("recordsCount", matching.size());
        payload.set("data", data);
        return body.toString();
    }

    /** How many cards one answer lists: the page size (0 = no limit), less when a partial-listing fault says so. */
    static int listed(int pageSize, Fault fault) {
        int limit = pageSize > 0 ? pageSize : Integer.MAX_VALUE;
        return fault != null && fault.kind() == Fault.Kind.PARTIAL_LISTING ? Math.min(limit, fault.listed()) : limit;
    }
}
