package io.cardroutes.persistence;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cardroutes.Settings;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.hibernate.SessionFactory;
import org.hibernate.boot.archive.scan.internal.DisabledScanner;
import org.hibernate.type.descriptor.WrapperOptions;
import org.hibernate.type.descriptor.java.JavaType;
import org.hibernate.type.format.FormatMapper;

/**
 * The bundle's database. The connection pool opens on first use; the migrations and the JPA setup
 * (Hibernate's boot alone takes seconds) run on a thread of their own, while Camel loads the routes
 * and starts the broker and the HTTP server. Whatever needs JPA first waits for it, and the
 * bundle's start waits for it before it reports ready ({@link #awaitReady()}), so a database that
 * cannot be reached or migrated still stops the start with its error.
 */
public final class Database extends ServiceSupport {

    /** The ledger has no JSON or XML columns; a mapping that gets one fails here, loudly. */
    private static final FormatMapper NO_FORMAT = new FormatMapper() {
        @Override
        public <T> T fromString(CharSequence text, JavaType<T> type, WrapperOptions options) {
            throw new UnsupportedOperationException("the ledger has no JSON or XML columns");
        }

        @Override
        public <T> String toString(T value, JavaType<T> type, WrapperOptions options) {
            throw new UnsupportedOperationException("the ledger has no JSON or XML columns");
        }
    };

    private final HikariDataSource dataSource;
    private final CompletableFuture<EntityManagerFactory> setup = new CompletableFuture<>();

    public Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        Thread thread = new Thread(this::setUp, "database-setup");
        thread.setDaemon(true);
        thread.start();
    }

    /** The connection pool the {@code app.db.*} properties describe; refuses to start without a URL. */
    public static HikariDataSource dataSource(Settings s) {
        String url = s.text("app.db.url", "");
        if (url.isEmpty()) {
            throw new IllegalStateException("No database configured: set APP_DB_URL (the prod profile has no default,"
                    + " so that production never writes to a local H2 file)");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("cards-db");
        config.setJdbcUrl(url);
        config.setUsername(s.text("app.db.user", ""));
        config.setPassword(s.text("app.db.password", ""));
        config.setMaximumPoolSize(s.integer("app.db.pool-size"));
        // the pool opens on first use, on the set-up thread (Flyway's), not on the thread that starts Camel:
        // opening an H2 file takes the first of its ~600 classes and half a second of CPU
        HikariDataSource pool = new HikariDataSource();
        config.copyStateTo(pool);
        return pool;
    }

    private void setUp() {
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            // no JDBC batching: each write of a group runs at once, so a later write in the same
            // transaction sees it (two claims of one requestId in one group must not both succeed)
            setup.complete(Persistence.createEntityManagerFactory("cards", Map.of(
                    "jakarta.persistence.nonJtaDataSource", dataSource,
                    "hibernate.hbm2ddl.auto", "none",
                    // persistence.xml lists the entities: no reading every class file of the jar for more
                    "hibernate.archive.scanner", DisabledScanner.class.getName(),
                    // the entities' named queries are parsed on first use, not all at the start: HQL's parser
                    // (ANTLR) and its compilation were about a second of the start's CPU on two cores
                    "hibernate.query.startup_check", false,
                    // no JSON or XML columns: without these Hibernate builds two Jackson mappers at every
                    // start, with every Jackson module on the class path (Joda's, for OpenAPI, among them)
                    "hibernate.type.json_format_mapper", NO_FORMAT,
                    "hibernate.type.xml_format_mapper", NO_FORMAT)));
        } catch (RuntimeException | Error e) {
            setup.completeExceptionally(e);
        }
    }

    /** The JPA entry point, once the migrations have run (waits for them the first time). */
    public EntityManagerFactory emf() {
        try {
            return setup.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /**
     * The JPA entry point for Camel's {@code jpa} component, which takes its factory when the routes
     * start, before the JPA setup has finished: each call waits for the setup, then goes to {@link #emf()}.
     */
    public EntityManagerFactory deferredEmf() {
        return (EntityManagerFactory) Proxy.newProxyInstance(EntityManagerFactory.class.getClassLoader(),
                new Class<?>[] {EntityManagerFactory.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(emf(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Hibernate's own entry point, for the stateless sessions of the group commit. */
    public SessionFactory sessions() {
        return emf().unwrap(SessionFactory.class);
    }

    /** Waits for the migrations and the JPA setup; throws their error if they failed. */
    public void awaitReady() {
        emf();
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    @Override
    protected void doStop() {
        if (setup.isDone() && !setup.isCompletedExceptionally()) {
            setup.join().close();
        }
        dataSource.close();
    }
}
