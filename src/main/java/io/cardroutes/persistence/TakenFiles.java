package io.cardroutes.persistence;

import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * The input files a channel has taken, in the bundle's database (table {@code taken_file}, made by
 * Flyway): bean {@code takenFiles}, keyed by the route (channel, name, size, modification time), so of
 * several instances on one database only one takes a file. The SFTP consumer keeps its keys (a restart
 * does not take a file again, a changed file under the same name is new); the inbox folder's read lock
 * ({@code readLock=idempotent-changed}) holds its keys only while a file is read (docs/shared.md).
 */
public class TakenFiles extends JdbcMessageIdRepository {

    static final String TABLE = "taken_file";
    private final Database database;

    public TakenFiles(Database database) {
        super(database.dataSource(), "inbound");
        this.database = database;
        setTableName(TABLE);
        setCreateTableIfNotExists(false);
    }

    /**
     * Takes the key, or answers false when it is taken already. Two instances that test the key at the
     * same moment both try to insert it; the primary key lets one win, and the other is told "taken".
     */
    @Override
    public boolean add(String key) {
        database.awaitReady();
        try {
            return super.add(key);
        } catch (DataIntegrityViolationException takenMeanwhile) {
            return false;
        }
    }

    @Override
    public boolean contains(String key) {
        database.awaitReady();
        return super.contains(key);
    }

    @Override
    public boolean remove(String key) {
        database.awaitReady();
        return super.remove(key);
    }
}
