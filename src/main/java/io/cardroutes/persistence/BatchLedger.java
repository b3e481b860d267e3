package io.cardroutes.persistence;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.EntityManager;

/**
 * Opens and closes batches (a file, a JSON array, a batch call) and writes a batch's results file
 * by streaming its items from the database in input order, so a 100,000-line file never needs
 * its outcomes in memory.
 */
public class BatchLedger {

    /** An ObjectMapper's factory: its generators write an entry map with {@code writeObject}. */
    private static final JsonFactory JSON = new ObjectMapper().getFactory();

    private final Database database;
    private final GroupCommit writes;
    private final Clock clock;

    public BatchLedger(Database database, GroupCommit writes, Clock clock) {
        this.database = database;
        this.writes = writes;
        this.clock = clock;
    }

    public String open(String channel, String source) {
        BatchEntity batch = new BatchEntity();
        batch.setBatchId(UUID.randomUUID().toString());
        batch.setChannel(channel);
        batch.setSource(source);
        batch.setStatus("OPEN");
        batch.setCreatedAt(clock.instant());
        inTransaction(em -> em.persist(batch));
        return batch.getBatchId();
    }

    /** Marks the batch DONE with its count of outcomes, once every outcome recorded so far is committed. */
    public void close(String batchId) {
        writes.flush();
        inTransaction(em -> {
            BatchEntity batch = em.find(BatchEntity.class, batchId);
            long total = em.createQuery("select count(i) from BatchItemEntity i where i.key.batchId = :b", Long.class)
                    .setParameter("b", batchId).getSingleResult();
            batch.setTotal((int) total);
            batch.setStatus("DONE");
            batch.setCompletedAt(clock.instant());
        });
    }

    /**
     * Writes the batch's results as a JSON array to {@code <workDir>/<batchId>.json} and returns that
     * file; the route moves it to its name in the outbox (the file component, renaming the work file).
     */
    public File results(String batchId, String workDir) throws IOException {
        writes.flush();
        Path temp = Path.of(workDir).resolve(batchId + ".json");
        Files.createDirectories(temp.toAbsolutePath().getParent());
        EntityManager em = database.emf().createEntityManager();
        try (OutputStream out = Files.newOutputStream(temp);
             JsonGenerator json = JSON.createGenerator(out).useDefaultPrettyPrinter();
             Stream<BatchItemEntity> items = em.createQuery(
                     "select i from BatchItemEntity i where i.key.batchId = :b order by i.key.seq", BatchItemEntity.class)
                     .setParameter("b", batchId).setHint("org.hibernate.fetchSize", 500).getResultStream()) {
            json.writeStartArray();
            items.forEach(item -> {
                try {
                    json.writeObject(entry(item));
                    em.detach(item);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            json.writeEndArray();
        } finally {
            em.close();
        }
        return temp.toFile();
    }

    /** Records how many requests a batch holds before they run, so its status can show progress. */
    public void expect(String batchId, int total) {
        inTransaction(em -> em.find(BatchEntity.class, batchId).setTotal(total));
    }

    /**
     * A batch's state for its summary mail, read as the status call reads it (see {@link #view}); null
     * when there is no such batch.
     */
    public Map<String, Object> describe(String batchId) {
        writes.flush();
        EntityManager em = database.emf().createEntityManager();
        try {
            BatchEntity batch = batchId == null ? null : em.find(BatchEntity.class, batchId);
            if (batch == null) {
                return null;
            }
            return view(batch, em.createNamedQuery(BatchItemEntity.COUNTS, Object[].class)
                    .setParameter("b", batchId).getResultList());
        } finally {
            em.close();
        }
    }

    /**
     * A batch's state: batchId, channel, status (OPEN, DONE, STUCK), reason (why STUCK), total, recorded,
     * counts by outcome status, replays, createdAt, completedAt; from the batch's row and the rows of its
     * {@link BatchItemEntity#COUNTS} query (status, items, replays).
     */
    public static Map<String, Object> view(BatchEntity batch, List<Object[]> counted) {
        Map<String, Long> counts = new TreeMap<>();
        long recorded = 0;
        long replays = 0;
        for (Object[] row : counted) {
            long items = ((Number) row[1]).longValue();
            counts.put((String) row[0], items);
            recorded += items;
            replays += row[2] == null ? 0 : ((Number) row[2]).longValue();
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("batchId", batch.getBatchId());
        view.put("channel", batch.getChannel());
        view.put("status", batch.getStatus());
        if (batch.getReason() != null) {
            view.put("reason", batch.getReason());
        }
        view.put("total", batch.getTotal());
        view.put("recorded", recorded);
        view.put("counts", counts);
        view.put("replays", replays);
        view.put("createdAt", text(batch.getCreatedAt()));
        view.put("completedAt", text(batch.getCompletedAt()));
        return view;
    }

    /** Outcomes of a batch, each shaped like a results-file entry. */
    public static List<Map<String, Object>> entries(List<BatchItemEntity> items) {
        List<Map<String, Object>> entries = new ArrayList<>(items.size());
        for (BatchItemEntity item : items) {
            entries.add(entry(item));
        }
        return entries;
    }

    /** One outcome as the results file and the JMS array reply show it. */
    private static Map<String, Object> entry(BatchItemEntity item) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("requestId", item.getRequestId());
        entry.put("status", item.getStatus());
        entry.put("enKashCardId", item.getEnkashCardId());
        entry.put("maskedNumber", item.getMaskedNumber());
        entry.put("error", item.getError());
        entry.put("replay", item.isReplay());
        return entry;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private void inTransaction(java.util.function.Consumer<EntityManager> work) {
        Transactions.inTransaction(database.emf(), work);
    }
}
