package io.cardroutes.persistence;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

/**
 * Opens and closes batches (a file, a JSON array, a batch call) and writes a batch's results file
 * by streaming its items from the database in input order, so a 100,000-line file never needs
 * its outcomes in memory.
 */
public class BatchLedger {

    private static final JsonFactory JSON = new JsonFactory();

    private final EntityManagerFactory emf;
    private final Clock clock;

    public BatchLedger(EntityManagerFactory emf, Clock clock) {
        this.emf = emf;
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

    public void close(String batchId) {
        inTransaction(em -> {
            BatchEntity batch = em.find(BatchEntity.class, batchId);
            long total = em.createQuery("select count(i) from BatchItemEntity i where i.key.batchId = :b", Long.class)
                    .setParameter("b", batchId).getSingleResult();
            batch.setTotal((int) total);
            batch.setStatus("DONE");
            batch.setCompletedAt(clock.instant());
        });
    }

    /** Writes the batch's results as a JSON array to {@code target}, atomically (temp file, then move). */
    public void writeResults(String batchId, String target) throws IOException {
        Path path = Path.of(target);
        Files.createDirectories(path.toAbsolutePath().getParent());
        Path temp = path.resolveSibling(path.getFileName() + ".tmp");
        EntityManager em = emf.createEntityManager();
        try (OutputStream out = Files.newOutputStream(temp);
             JsonGenerator json = JSON.createGenerator(out).useDefaultPrettyPrinter();
             Stream<BatchItemEntity> items = em.createQuery(
                     "select i from BatchItemEntity i where i.key.batchId = :b order by i.key.seq", BatchItemEntity.class)
                     .setParameter("b", batchId).setHint("org.hibernate.fetchSize", 500).getResultStream()) {
            json.writeStartArray();
            items.forEach(item -> {
                try {
                    json.writeStartObject();
                    json.writeStringField("requestId", item.getRequestId());
                    json.writeStringField("status", item.getStatus());
                    json.writeStringField("enKashCardId", item.getEnkashCardId());
                    json.writeStringField("maskedNumber", item.getMaskedNumber());
                    json.writeStringField("error", item.getError());
                    json.writeBooleanField("replay", item.isReplay());
                    json.writeEndObject();
                    em.detach(item);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            json.writeEndArray();
        } finally {
            em.close();
        }
        Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void inTransaction(java.util.function.Consumer<EntityManager> work) {
        EntityManager em = emf.createEntityManager();
        try {
            em.getTransaction().begin();
            work.accept(em);
            em.getTransaction().commit();
        } finally {
            if (em.getTransaction().isActive()) {
                em.getTransaction().rollback();
            }
            em.close();
        }
    }
}
