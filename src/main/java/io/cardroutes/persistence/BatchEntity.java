package io.cardroutes.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** One input file, array or batch call: the unit a results file or a batch status reports on. */
@Entity
@Table(name = "card_batch")
// a batch retry's read (routes/replay.camel.yaml): the batch with this id, or every batch read from a file of this name
@NamedQuery(name = BatchEntity.NAMED, query = "select b.batchId from BatchEntity b where b.batchId = :name "
        + "or (b.channel = 'FILE' and b.source = :name)")
public class BatchEntity {

    public static final String NAMED = "BatchEntity.named";

    @Id
    @Column(name = "batch_id", length = 64)
    private String batchId;
    private String channel;
    private String source;
    private String status;
    private int total;
    @Column(name = "created_at")
    private Instant createdAt;
    @Column(name = "completed_at")
    private Instant completedAt;
    /** Why the batch cannot be finished (status STUCK); null otherwise. */
    @Column(length = 1000)
    private String reason;

    public String getBatchId() { return batchId; }
    public void setBatchId(String batchId) { this.batchId = batchId; }
    public String getChannel() { return channel; }
    public void setChannel(String channel) { this.channel = channel; }
    public String getSource() { return source; }
    public void setSource(String source) { this.source = source; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public int getTotal() { return total; }
    public void setTotal(int total) { this.total = total; }
    public Instant getCreatedAt() { return createdAt; }
    public void setCreatedAt(Instant createdAt) { this.createdAt = createdAt; }
    public Instant getCompletedAt() { return completedAt; }
    public void setCompletedAt(Instant completedAt) { this.completedAt = completedAt; }
    public String getReason() { return reason; }
    public void setReason(String reason) { this.reason = reason; }
}
