package io.cardroutes.mapping;

import java.util.LinkedHashMap;
import java.util.Map;

import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.InvalidRequestException;
import io.cardroutes.pipeline.RequestNormalizer;
import org.apache.camel.Exchange;

/**
 * The requestId side of a mapping: a record keeps the id its channel gave it (REST Idempotency-Key, a
 * JMS message's id, a requestId field of the input) or its file's default id
 * ({@code <name>@<digest>#<n>}) when the mapping names none, so a mapped record is recognised when it
 * comes again exactly like an unmapped one.
 */
public class RecordMapping {

    /** Whether the record's layout has a mapping (records in EnKash's own field names need none). */
    public boolean hasMapping(Exchange exchange) {
        InputLayout layout = exchange.getProperty(CardExchange.LAYOUT, InputLayout.class);
        return layout != null && layout.mapping() != null;
    }

    /** The id of the record as it came in: its own requestId field, else the default of its source. */
    public String requestIdBefore(Exchange exchange) {
        if (exchange.getMessage().getBody() instanceof Map<?, ?> record) {
            Object id = record.get(RequestNormalizer.REQUEST_ID);
            if (id != null && !String.valueOf(id).isBlank()) {
                return String.valueOf(id);
            }
        }
        return RequestNormalizer.fallbackId(exchange);
    }

    /**
     * The mapping's result as the pipeline's raw record: a JSON object, given the record's earlier id
     * ({@link CardExchange#REQUEST_ID}) when the mapping set no requestId.
     */
    public Map<String, Object> mapped(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        InputLayout layout = exchange.getProperty(CardExchange.LAYOUT, InputLayout.class);
        if (!(body instanceof Map<?, ?> result)) {
            String made = body == null ? "nothing" : "a " + body.getClass().getSimpleName();
            throw new InvalidRequestException("the mapping " + layout.mappingName() + " made " + made
                    + " of the record, not a JSON object");
        }
        Map<String, Object> record = new LinkedHashMap<>();
        result.forEach((key, value) -> record.put(String.valueOf(key), value));
        Object id = record.get(RequestNormalizer.REQUEST_ID);
        if (id == null || String.valueOf(id).isBlank()) {
            record.put(RequestNormalizer.REQUEST_ID, exchange.getProperty(CardExchange.REQUEST_ID, String.class));
        }
        return record;
    }
}
