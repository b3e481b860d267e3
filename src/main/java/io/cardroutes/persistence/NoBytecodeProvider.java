package io.cardroutes.persistence;

import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.bytecode.internal.none.BytecodeProviderImpl;
import org.hibernate.bytecode.spi.BytecodeProvider;
import org.hibernate.service.spi.ServiceContributor;

/**
 * Hibernate's "none" bytecode provider in place of ByteBuddy (found by Hibernate through
 * META-INF/services). The ledger's entities have no associations, nothing asks for a lazy reference
 * ({@code getReference}) and nothing is enhanced, so no proxy class is ever needed; ByteBuddy made one
 * per entity at every start anyway, and loading it cost about 900 classes and a second of CPU of the
 * database's set-up, which readiness waits for. A proxy asked for after all fails loudly ("Generation of
 * HibernateProxy instances at runtime is not allowed when the configured BytecodeProvider is 'none'").
 */
public final class NoBytecodeProvider implements ServiceContributor {

    @Override
    public void contribute(StandardServiceRegistryBuilder registry) {
        registry.addService(BytecodeProvider.class, new BytecodeProviderImpl());
    }
}
