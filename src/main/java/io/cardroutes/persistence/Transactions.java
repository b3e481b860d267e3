package io.cardroutes.persistence;

import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.Session;
import org.hibernate.SharedSessionContract;

/**
 * One unit of work in its own committed transaction: the ledgers' short writes (through an
 * {@link EntityManager}) and {@link GroupCommit}'s writes that run alone (through a stateless session).
 */
final class Transactions {

    private Transactions() {
    }

    /** Runs {@code work} in a transaction of its own on {@code session}, commits it and closes the session. */
    static <S extends SharedSessionContract, T> T alone(S session, Function<? super S, T> work) {
        try {
            session.getTransaction().begin();
            T result = work.apply(session);
            session.getTransaction().commit();
            return result;
        } finally {
            if (session.getTransaction().isActive()) {
                session.getTransaction().rollback();
            }
            session.close();
        }
    }

    static <T> T inTransaction(EntityManagerFactory emf, Function<EntityManager, T> work) {
        return alone(emf.createEntityManager().unwrap(Session.class), work);
    }

    static void inTransaction(EntityManagerFactory emf, Consumer<EntityManager> work) {
        inTransaction(emf, em -> {
            work.accept(em);
            return null;
        });
    }
}
