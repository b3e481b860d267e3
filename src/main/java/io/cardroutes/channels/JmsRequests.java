package io.cardroutes.channels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.JsonProblems;
import io.cardroutes.pipeline.InvalidRequestException;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.support.DefaultMessage;

/**
 * What the JMS channel knows about messages: which requests a message holds and their requestIds
 * (body, else the {@code requestId} property, else JMSMessageID), where the answer goes, and why a
 * message went to the DLQ.
 */
public class JmsRequests {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Exchange property: the request's JMSReplyTo destination, when it had one. */
    public static final String REPLY_TO = "jmsReplyTo";
    /** Exchange property: the JMSCorrelationID the answer carries (the request's, else its JMSMessageID). */
    public static final String CORRELATION_ID = "jmsCorrelationId";
    /** Exchange property: true when the message held a JSON array (the answer is then an array too). */
    public static final String MANY = "jmsMany";
    /** Property: why the message cannot hold a card request, or absent. */
    public static final String UNREADABLE = "jmsUnreadable";
    /** JMS property on a DLQ message: why it could not be handled. */
    public static final String DLQ_REASON = "dlqReason";
    /** JMS message property a sender may set instead of a requestId in the body. */
    public static final String REQUEST_ID_PROPERTY = "requestId";

    /**
     * Remembers the reply address and correlation (the pipeline clears headers) and turns the parsed
     * body into requests that all carry a requestId.
     */
    public List<Map<String, Object>> requests(Exchange exchange) {
        Message in = exchange.getMessage();
        String messageId = in.getHeader("JMSMessageID", String.class);
        String correlationId = RequestIds.given(in.getHeader("JMSCorrelationID"));
        exchange.setProperty(CORRELATION_ID, correlationId != null ? correlationId : messageId);
        Object replyTo = in.getHeader("JMSReplyTo");
        if (replyTo != null) {
            exchange.setProperty(REPLY_TO, replyTo);
        }
        String propertyId = RequestIds.given(in.getHeader(REQUEST_ID_PROPERTY));
        String messageRequestId = propertyId != null ? propertyId : messageId;

        Object body = in.getBody();
        if (body instanceof Map<?, ?> one) {
            exchange.setProperty(MANY, false);
            return List.of(RequestIds.with(one, RequestIds.ofBody(one, messageRequestId)));
        }
        if (body instanceof List<?> many) {
            if (many.isEmpty()) {
                throw new InvalidRequestException("the message holds an empty JSON array");
            }
            List<Map<String, Object>> requests = new ArrayList<>(many.size());
            for (int i = 0; i < many.size(); i++) {
                if (!(many.get(i) instanceof Map<?, ?> element)) {
                    throw new InvalidRequestException("element " + (i + 1) + " of the array is not a JSON object");
                }
                requests.add(RequestIds.with(element, RequestIds.ofBody(element, messageRequestId + "#" + (i + 1))));
            }
            exchange.setProperty(MANY, true);
            return requests;
        }
        throw new InvalidRequestException("a card request message must hold a JSON object or an array of objects");
    }

    /**
     * Sets {@value #UNREADABLE} to why the message cannot hold a card request ({@link #unreadable}), and
     * for a readable one puts a plain copy (body and headers) in place of the JMS message: Camel copies a
     * JMS message for every step that copies the exchange, reading the broker's redelivery flag each time
     * (7 % of the CPU under load, bench/README.md).
     */
    public void received(Exchange exchange) throws JMSException {
        String unreadable = unreadable(exchange);
        exchange.setProperty(UNREADABLE, unreadable);
        Message in = exchange.getIn();
        if (unreadable == null && in instanceof JmsMessage) {
            Message plain = new DefaultMessage(exchange);
            plain.copyFrom(in);
            exchange.setIn(plain);
        }
    }

    /**
     * Why the message cannot hold a card request before anything reads its body, or null when it is
     * a TextMessage or BytesMessage with content. Decided on the JMS type alone: an ObjectMessage is
     * never deserialized here.
     */
    public String unreadable(Exchange exchange) throws JMSException {
        jakarta.jms.Message jms = exchange.getMessage() instanceof JmsMessage received ? received.getJmsMessage() : null;
        if (jms == null) {
            // Camel keeps no JMS message for a TextMessage without text; elsewhere the parser decides
            return exchange.getMessage().getBody() == null ? "the message has no body" : null;
        }
        if (jms instanceof TextMessage text) {
            return text.getText() == null || text.getText().isBlank() ? "the message has no body" : null;
        }
        if (jms instanceof BytesMessage bytes) {
            return bytes.getBodyLength() == 0 ? "the message has no body" : null;
        }
        String type = jms instanceof MapMessage ? "a MapMessage" : jms instanceof ObjectMessage ? "an ObjectMessage"
                : jms instanceof StreamMessage ? "a StreamMessage" : null;
        return type == null ? "the message has no body"
                : "a card request must be a TextMessage or BytesMessage holding JSON, not " + type;
    }

    /** The outcome (or an array's outcomes) as the JSON text of the reply. */
    public String replyJson(Object outcome) throws JsonProcessingException {
        return JSON.writeValueAsString(outcome);
    }

    /** The DLQ message's {@value #DLQ_REASON}: what is wrong, with line and column for broken JSON. */
    public String dlqReason(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        JsonProcessingException json = JsonProblems.in(caught);
        if (json != null) {
            return "not valid JSON: " + json.getOriginalMessage() + JsonProblems.where(json);
        }
        return caught == null ? "unknown" : caught.getMessage();
    }

    /** The same for the log: no text from the message itself, which may hold personal data. */
    public String dlqSummary(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        JsonProcessingException json = JsonProblems.in(caught);
        if (json != null) {
            return "not valid JSON" + JsonProblems.where(json);
        }
        return caught instanceof InvalidRequestException ? caught.getMessage()
                : caught == null ? "unknown" : caught.getClass().getSimpleName();
    }
}
