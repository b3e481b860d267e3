package io.cardroutes.sandbox;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.camel.Service;

import io.cardroutes.enkash.PayloadCipher;

/**
 * In-process HTTP simulator of the EnKash card API (OAuth password grant, card Create, card search),
 * served on loopback by the JDK's HTTP server with a fixed pool of worker threads.
 *
 * <p>This class is the façade: lifecycle and test controls (the queued Create and search faults, in
 * {@link FaultQueue}s, are its own). The work is done by package-private parts:
 * <ul>
 *   <li>{@link SandboxServer}: the HTTP server, dispatch by path, sending answers (wrapped in the
 *       encryption envelope for Create and search when encryption is on), 404/405/413/500;</li>
 *   <li>{@link SandboxLogins}: the token endpoint (client credentials, password grant, lockout after
 *       {@link #LOCKOUT_THRESHOLD} failed logins in a row, token faults) and the tokens it issued;</li>
 *   <li>{@link RequestChecks}: the checks Create and search share, and the configured latency;</li>
 *   <li>{@link SandboxCreate}: Create validation, Create faults, random 503/429, recorded calls;</li>
 *   <li>{@link SandboxSearch}: the card search, its faults and partial listings;</li>
 *   <li>{@link SandboxCards}: the card store, seeding cards from before, counts per mobile;</li>
 *   <li>{@link Answer} and {@link FaultAnswers}: answers, EnKash's bodies, what a fault makes of them.</li>
 * </ul>
 *
 * <p>Create calls are checked in the order EnKash's gateway and application would: bearer token,
 * {@code partnerId} header, content type, encryption envelope, JSON body validation. A call that passes
 * these checks takes the next queued Create {@link Fault} (if any), otherwise a random 503/429 by the
 * configured shares, otherwise it is refused for an empty card account or creates the card. The
 * configured latency is added to every Create and search answer.
 *
 * <p>Search calls pass the same checks plus required {@code companyId}/{@code cardAccountId}, then take
 * the next queued search fault (if any). A list answer names at most
 * {@link SandboxSettings#searchPageSize()} cards while its {@code recordsCount} counts them all.
 *
 * <p>Cards from before (issued by hand, by another programme) are seeded with
 * {@link #seedCard(Map, Instant)} or {@link SandboxSettings#existingCardMobiles()}: they are listed and
 * counted by {@link #cardsFor(String)} like any card, but are no Create call.
 *
 * <p>When encryption is enabled, every Create/search answer body is wrapped with
 * {@link PayloadCipher#wrap(String)} (save the bodies an unreadable or truncated fault sends as they are);
 * the token endpoint is never encrypted.
 *
 * <p>Keep-alive answers are only fast (no ~40 ms Nagle/delayed-ACK wait) when the JVM runs with
 * {@code sun.net.httpserver.nodelay=true}, a JVM-wide JDK setting: {@code Application.main} and the
 * build's test JVMs set it; see {@link SandboxServer}.
 *
 * <p>Only method, path and status are logged (DEBUG); never credentials, tokens or bodies.
 *
 * <p>Over ~250 lines on purpose: this comment is the sandbox's manual and the body is the one-line test
 * controls that tests find in one place; the work itself is already split into the parts above.
 */
public final class EnkashSandbox implements Service {

    public static final String TOKEN_PATH = "/oauth/token";
    public static final String CREATE_PATH = "/api/v0/partner/enKashCard";
    public static final String SEARCH_PATH = "/api/v0/partner/enKashCard/search";

    /** Consecutive failed logins after which the account is locked. */
    public static final int LOCKOUT_THRESHOLD = 3;

    private final SandboxSettings settings;
    private final SandboxLogins logins;
    private final SandboxCards cards;
    private final FaultQueue createFaults = new FaultQueue(false);
    private final FaultQueue searchFaults = new FaultQueue(true);
    private final RequestChecks checks;
    private final SandboxCreate create;
    private final SandboxSearch search;
    private final SandboxServer server;

    public EnkashSandbox(SandboxSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        PayloadCipher cipher = settings.encryptionEnabled() ? new PayloadCipher(settings.encryptionSecretKey()) : null;
        FaultAnswers faultAnswers = new FaultAnswers(
                new UnreadableBodies(settings.encryptionEnabled() ? settings.encryptionSecretKey() : null));
        this.logins = new SandboxLogins(settings, clock);
        this.checks = new RequestChecks(settings, logins, cipher);
        this.cards = new SandboxCards(clock);
        this.create = new SandboxCreate(settings, clock, checks, cards, createFaults, faultAnswers);
        this.search = new SandboxSearch(settings, checks, cards, searchFaults, faultAnswers);
        this.server = new SandboxServer(settings, clock, cipher, logins, create, search);
        configuredFaultsAndCards();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void start() {
        server.start();
    }

    @Override
    public void stop() {
        server.stop();
    }

    @Override
    public void close() {
        stop();
    }

    /** The port the sandbox listens on (the chosen free port when settings.port() is 0). */
    public int port() {
        return server.port();
    }

    /** http://127.0.0.1:port (or the loopback address of this host). */
    public String baseUrl() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
    }

    public SandboxSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ test controls

    /**
     * Faults applied to the next Create calls that pass the request checks, in order, one per call.
     *
     * @throws IllegalArgumentException for a fault that is not a Create fault (a partial listing)
     */
    public void enqueue(Fault... more) {
        for (Fault fault : more) {
            createFaults.add(fault);
        }
    }

    /**
     * Faults applied to the next search calls that pass the request checks (token, partnerId, content
     * type, envelope, companyId and cardAccountId), in order, one per call.
     *
     * @throws IllegalArgumentException for a fault that is not a search fault (e.g. answer lost, stall)
     */
    public void enqueueSearch(Fault... more) {
        for (Fault fault : more) {
            searchFaults.add(fault);
        }
    }

    /**
     * Stores a card as if EnKash had issued it earlier (by hand, for another programme): the shape of a
     * created card with this {@code createdDate} (none when null), listed by search and counted by {@link #cards()} and
     * {@link #cardsFor(String)}, but not by {@link #createCalls()}, {@link #createCallsReceived()} or
     * {@link #cardsCreatedFor(String)}.
     *
     * @param fields the echoed fields: companyId and cardAccountId required; userId, firstName, lastName,
     *               mobile, email, physicalCard optional (mobile and email must pass Create's rules)
     * @return the card's enKashCardId
     */
    public String seedCard(Map<String, Object> fields, Instant createdDate) {
        return cards.seed(fields, createdDate);
    }

    /**
     * Faults applied to the next token calls, in order, one per call, before any check:
     * {@link Fault#status}, {@link Fault#tokenWithoutAccessToken()}, {@link Fault#tokenNotJson()}.
     * Each is a failed login, counted towards the lockout like any other.
     */
    public void enqueueToken(Fault... more) {
        for (Fault fault : more) {
            logins.enqueue(fault);
        }
    }

    /** EnKash is down (true) or back (false): while down, every Create and search is answered 503, nothing is created. */
    public void unavailable(boolean down) {
        checks.unavailable = down;
    }

    /** The most failed logins in a row (for the configured client id) seen since start or reset. */
    public int longestFailedLoginRun() {
        return logins.longestFailedLoginRun();
    }

    /** Token calls answered without a usable token, whichever client they named. */
    public int failedLogins() {
        return logins.failedLogins();
    }

    /** Every token issued so far is expired from now on. */
    public void expireAllTokens() {
        logins.expireAllTokens();
    }

    /**
     * Forgets cards, counters, tokens, queued faults, recorded calls and the account lockout, then
     * queues the configured faults and seeds the configured cards from before again, as at start.
     */
    public void reset() {
        checks.unavailable = false;
        createFaults.clear();
        searchFaults.clear();
        logins.reset();
        create.reset();
        search.reset();
        cards.clear();
        configuredFaultsAndCards();
    }

    /** The faults and cards from before that the settings ask for, the cards dated a day before now. */
    private void configuredFaultsAndCards() {
        createFaults.addAll(settings.createFaults());
        searchFaults.addAll(settings.searchFaults());
        cards.seedConfigured(settings);
    }

    public int tokenCalls() {
        return logins.tokenCalls();
    }

    public int rejectedTokenCalls() {
        return logins.rejectedTokenCalls();
    }

    public int createCalls() {
        return create.createCalls();
    }

    /** The most Create calls that were being answered at the same moment since start or reset. */
    public int peakCreatesInProgress() {
        return create.peakCreatesInProgress();
    }

    /** The most Create calls that arrived within any one second since start or reset (see {@link RecordedCall#peakPerSecond}). */
    public int peakCreatesPerSecond() {
        return RecordedCall.peakPerSecond(create.recordedCalls());
    }

    public int searchCalls() {
        return search.searchCalls();
    }

    /** Create faults still waiting in the queue. */
    public int pendingFaults() {
        return createFaults.size();
    }

    /** Search faults still waiting in the queue. */
    public int pendingSearchFaults() {
        return searchFaults.size();
    }

    /** Every card EnKash holds (seeded and created), in the order they were stored, as stored (fresh copies). */
    public List<Map<String, Object>> cards() {
        return cards.copies();
    }

    /** Every answered Create call in arrival order (a stalled call appears once its card exists). */
    public List<RecordedCall> createCallsReceived() {
        return create.recordedCalls();
    }

    /** How many cards exist for this mobile number, cards from before included. */
    public long cardsFor(String mobile) {
        return cards.cardsFor(mobile);
    }

    /** How many cards Create calls made for this mobile number (cards from before left out). */
    public long cardsCreatedFor(String mobile) {
        return cards.cardsCreatedFor(mobile);
    }
}
