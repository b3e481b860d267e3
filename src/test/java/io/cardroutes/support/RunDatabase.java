package io.cardroutes.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A database of a test run's own on the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust login),
 * made from database {@code test} and dropped (connections and all) on close, for bundles that share one.
 */
public final class RunDatabase implements AutoCloseable {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    public final String name;

    public RunDatabase(String prefix) throws Exception {
        name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        admin("create database " + name);
    }

    /** The JDBC URL the bundles are given (APP_DB_URL, user postgres). */
    public String url() {
        return SERVER + name;
    }

    /** Requests per status in card_request. */
    public Map<String, Integer> statuses() throws Exception {
        Map<String, Integer> statuses = new HashMap<>();
        try (Connection db = DriverManager.getConnection(url(), "postgres", "");
             Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("select status, count(*) from card_request group by status")) {
            while (rs.next()) {
                statuses.put(rs.getString(1), rs.getInt(2));
            }
        }
        return statuses;
    }

    /** The number a {@code select count(*) ...} answers. */
    public int count(String sql) throws Exception {
        try (Connection db = DriverManager.getConnection(url(), "postgres", "");
             Statement st = db.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public void close() throws Exception {
        admin("drop database if exists " + name + " with (force)");
    }

    private static void admin(String sql) throws Exception {
        try (Connection admin = DriverManager.getConnection(SERVER + "test", "postgres", "");
             Statement st = admin.createStatement()) {
            st.execute(sql);
        }
    }
}
