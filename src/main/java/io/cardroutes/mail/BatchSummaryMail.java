package io.cardroutes.mail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cardroutes.persistence.BatchLedger;
import io.cardroutes.persistence.Database;
import io.cardroutes.pipeline.CardExchange;
import io.cardroutes.pipeline.InvalidRequestException;
import jakarta.activation.DataHandler;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.util.ByteArrayDataSource;
import jakarta.persistence.EntityManager;
import org.apache.camel.Exchange;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The summary mail of a finished batch (an input file or a REST batch): its counts by status in the
 * text, and every request's outcome in an attached CSV (requestId, status, card, masked mobile and
 * email, error), read from the database.
 */
public class BatchSummaryMail {

    static final String[] COLUMNS = {"requestId", "status", "enKashCardId", "mobile", "email", "error"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database database;
    private final BatchLedger batches;
    private final int maxRows;

    public BatchSummaryMail(Database database, BatchLedger batches, int maxRows) {
        this.database = database;
        this.batches = batches;
        this.maxRows = maxRows;
    }

    /**
     * A REST batch's optional notifyEmail query parameter: one valid address becomes the exchange's
     * cardNotifyEmail; anything else is the caller's mistake (400).
     */
    public void notifyEmail(Exchange exchange) {
        String given = exchange.getMessage().getHeader("notifyEmail", String.class);
        if (given == null || given.isBlank()) {
            return;
        }
        try {
            InternetAddress address = new InternetAddress(given.trim(), true);
            if (address.getAddress().indexOf('@') < 1) {
                throw new AddressException("no domain");
            }
            exchange.setProperty(CardExchange.NOTIFY_EMAIL, address.getAddress());
        } catch (AddressException e) {
            throw new InvalidRequestException("notifyEmail is not one valid email address");
        }
    }

    /** The summary's recipients: the configured ones and the batch's own notifyEmail; null when none. */
    public String recipients(String configured, String notifyEmail) {
        Set<String> to = new LinkedHashSet<>();
        for (String s : (configured == null ? "" : configured).split(",")) {
            if (!s.isBlank()) {
                to.add(s.trim());
            }
        }
        if (notifyEmail != null && !notifyEmail.isBlank()) {
            to.add(notifyEmail.trim());
        }
        return to.isEmpty() ? null : String.join(",", to);
    }

    /** Sets the exchange's Subject, text and CSV attachment for the batch named by its cardBatchId. */
    public void compose(Exchange exchange) throws IOException {
        String batchId = exchange.getProperty(CardExchange.BATCH_ID, String.class);
        String source = exchange.getProperty(CardExchange.SOURCE, "batch", String.class);
        Map<String, Object> batch = batches.describe(batchId);
        @SuppressWarnings("unchecked")
        Map<String, Long> counts = (Map<String, Long>) batch.get("counts");
        long recorded = (Long) batch.get("recorded");
        StringBuilder text = new StringBuilder();
        text.append(batch.get("channel")).append(" batch ").append(source).append(" (batch id ").append(batchId)
                .append(") finished with ").append(recorded).append(" request(s):\n\n");
        counts.forEach((status, n) -> text.append(String.format("  %-14s %d%n", status, n)));
        text.append("\nThe attached CSV lists each request's outcome (mobile and email masked)");
        text.append(recorded > maxRows ? "; it holds the first " + maxRows + " of " + recorded
                + ", all are in GET /api/v1/batches/" + batchId + " and in the results file.\n" : ".\n");
        exchange.getMessage().setHeader("Subject", "[enkash-card-routes] " + source + ": " + recorded + " request(s), "
                + String.join(", ", counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
        exchange.getMessage().setBody(text.toString());
        String name = source.replaceAll("[^A-Za-z0-9._-]", "_") + ".outcomes.csv";
        exchange.getMessage(AttachmentMessage.class).addAttachment(name,
                new DataHandler(new ByteArrayDataSource(csv(batchId), "text/csv; charset=UTF-8")));
    }

    /** The batch's outcomes in input order as CSV, at most maxRows of them. */
    byte[] csv(String batchId) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EntityManager em = database.emf().createEntityManager();
        try (CSVPrinter csv = new CSVPrinter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8),
                CSVFormat.DEFAULT.builder().setHeader(COLUMNS).get());
             Stream<Object[]> rows = em.createQuery("select i.requestId, i.status, i.enkashCardId, i.error, "
                     + "r.requestJson from BatchItemEntity i left join CardRequestEntity r on r.requestId = i.requestId "
                     + "where i.key.batchId = :b order by i.key.seq", Object[].class)
                     .setParameter("b", batchId).setMaxResults(maxRows)
                     .setHint("org.hibernate.fetchSize", 500).getResultStream()) {
            for (Object[] row : (Iterable<Object[]>) rows::iterator) {
                Map<?, ?> request = request((String) row[4]);
                csv.printRecord(row[0], row[1], row[2], Masks.mobile(request.get("mobile")),
                        Masks.email(request.get("email")), row[3]);
            }
        } finally {
            em.close();
        }
        return bytes.toByteArray();
    }

    private static Map<?, ?> request(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, Map.class);
        } catch (IOException e) {
            return Map.of();
        }
    }
}
