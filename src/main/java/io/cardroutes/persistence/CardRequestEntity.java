package io.cardroutes.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** One row per requestId: where it came from, where it stands, and what EnKash made of it. */
@Entity
@Table(name = "card_request")
// the recovery sweep's read (routes/recovery.camel.yaml): rows in flight that another process holds, or none
@NamedQuery(name = CardRequestEntity.IN_FLIGHT_OF_OTHERS, query = "select r from CardRequestEntity r "
        + "where r.status in ('SENDING', 'VERIFYING') and (r.owner is null or r.owner <> :me)") // CardStatus.IN_FLIGHT
// a batch retry's read (routes/replay.camel.yaml): the FAILED requests of the batches named, in requestId order
@NamedQuery(name = CardRequestEntity.FAILED_OF_BATCHES, query = "select r.requestId from CardRequestEntity r "
        + "where r.status = 'FAILED' and r.requestId in (select i.requestId from BatchItemEntity i "
        + "where i.key.batchId in :batches) order by r.requestId")
public class CardRequestEntity {

    public static final String IN_FLIGHT_OF_OTHERS = "CardRequestEntity.inFlightOfOthers";
    public static final String FAILED_OF_BATCHES = "CardRequestEntity.failedOfBatches";

    @Id
    @Column(name = "request_id", length = 200)
    private String requestId;
    private String channel;
    private String source;
    private String status;
    @Column(name = "company_id")
    private String companyId;
    @Column(name = "card_account_id")
    private String cardAccountId;
    @Column(name = "request_json", length = 20000)
    private String requestJson;
    @Column(name = "request_hash", length = 64)
    private String requestHash;
    @Column(name = "enkash_card_id")
    private String enkashCardId;
    @Column(name = "masked_number")
    private String maskedNumber;
    @Column(name = "card_status")
    private String cardStatus;
    @Column(name = "kyc_status")
    private String kycStatus;
    @Column(length = 4000)
    private String error;
    private int attempts;
    @Column(length = 200)
    private String owner;
    @Column(name = "lease_until")
    private Instant leaseUntil;
    @Column(name = "claimed_at")
    private Instant claimedAt;
    private boolean reconciled;
    @Column(length = 2000)
    private String candidates;
    @Column(name = "created_at")
    private Instant createdAt;
    @Column(name = "updated_at")
    private Instant updatedAt;

    public String getRequestId() { return requestId; }
    public void setRequestId(String requestId) { this.requestId = requestId; }
    public String getChannel() { return channel; }
    public void setChannel(String channel) { this.channel = channel; }
    public String getSource() { return source; }
    public void setSource(String source) { this.source = source; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public String getCompanyId() { return companyId; }
    public void setCompanyId(String companyId) { this.companyId = companyId; }
    public String getCardAccountId() { return cardAccountId; }
    public void setCardAccountId(String cardAccountId) { this.cardAccountId = cardAccountId; }
    public String getRequestJson() { return requestJson; }
    public void setRequestJson(String requestJson) { this.requestJson = requestJson; }
    public String getRequestHash() { return requestHash; }
    public void setRequestHash(String requestHash) { this.requestHash = requestHash; }
    public String getEnkashCardId() { return enkashCardId; }
    public void setEnkashCardId(String enkashCardId) { this.enkashCardId = enkashCardId; }
    public String getMaskedNumber() { return maskedNumber; }
    public void setMaskedNumber(String maskedNumber) { this.maskedNumber = maskedNumber; }
    public String getCardStatus() { return cardStatus; }
    public void setCardStatus(String cardStatus) { this.cardStatus = cardStatus; }
    public String getKycStatus() { return kycStatus; }
    public void setKycStatus(String kycStatus) { this.kycStatus = kycStatus; }
    public String getError() { return error; }
    public void setError(String error) { this.error = error; }
    public int getAttempts() { return attempts; }
    public void setAttempts(int attempts) { this.attempts = attempts; }
    public String getOwner() { return owner; }
    public void setOwner(String owner) { this.owner = owner; }
    public Instant getLeaseUntil() { return leaseUntil; }
    public void setLeaseUntil(Instant leaseUntil) { this.leaseUntil = leaseUntil; }
    public Instant getClaimedAt() { return claimedAt; }
    public void setClaimedAt(Instant claimedAt) { this.claimedAt = claimedAt; }
    public boolean isReconciled() { return reconciled; }
    public void setReconciled(boolean reconciled) { this.reconciled = reconciled; }
    public String getCandidates() { return candidates; }
    public void setCandidates(String candidates) { this.candidates = candidates; }
    public Instant getCreatedAt() { return createdAt; }
    public void setCreatedAt(Instant createdAt) { this.createdAt = createdAt; }
    public Instant getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(Instant updatedAt) { this.updatedAt = updatedAt; }
}
