package io.cardroutes.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** The outcome one batch reported for its n-th request (a replay reports the earlier outcome here). */
@Entity
@Table(name = "card_batch_item")
// a batch's status (routes/inbound-rest-batch-status.camel.yaml, BatchLedger.describe): per outcome status, how
// many items and how many of them replays
@NamedQuery(name = BatchItemEntity.COUNTS, query = "select i.status, count(i), "
        + "sum(case when i.replay = true then 1 else 0 end) from BatchItemEntity i where i.key.batchId = :b "
        + "group by i.status")
// a page of a batch's outcomes in input order (the status call, BatchLedger.outcomes)
@NamedQuery(name = BatchItemEntity.IN_ORDER, query = "select i from BatchItemEntity i where i.key.batchId = :b "
        + "order by i.key.seq")
public class BatchItemEntity {

    public static final String COUNTS = "BatchItemEntity.counts";
    public static final String IN_ORDER = "BatchItemEntity.inOrder";

    @EmbeddedId
    private Key key;
    @Column(name = "request_id", length = 200)
    private String requestId;
    private String status;
    @Column(name = "enkash_card_id")
    private String enkashCardId;
    @Column(name = "masked_number")
    private String maskedNumber;
    @Column(length = 4000)
    private String error;
    private boolean replay;
    @Column(name = "recorded_at")
    private Instant recordedAt;

    public Key getKey() { return key; }
    public void setKey(Key key) { this.key = key; }
    public String getRequestId() { return requestId; }
    public void setRequestId(String requestId) { this.requestId = requestId; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public String getEnkashCardId() { return enkashCardId; }
    public void setEnkashCardId(String enkashCardId) { this.enkashCardId = enkashCardId; }
    public String getMaskedNumber() { return maskedNumber; }
    public void setMaskedNumber(String maskedNumber) { this.maskedNumber = maskedNumber; }
    public String getError() { return error; }
    public void setError(String error) { this.error = error; }
    public boolean isReplay() { return replay; }
    public void setReplay(boolean replay) { this.replay = replay; }
    public Instant getRecordedAt() { return recordedAt; }
    public void setRecordedAt(Instant recordedAt) { this.recordedAt = recordedAt; }

    @Embeddable
    public static class Key implements Serializable {
        @Column(name = "batch_id", length = 64)
        private String batchId;
        private int seq;

        public Key() {
        }

        public Key(String batchId, int seq) {
            this.batchId = batchId;
            this.seq = seq;
        }

        public String getBatchId() { return batchId; }
        public int getSeq() { return seq; }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && seq == k.seq && Objects.equals(batchId, k.batchId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(batchId, seq);
        }
    }
}
