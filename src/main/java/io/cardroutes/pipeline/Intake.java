package io.cardroutes.pipeline;

import org.apache.camel.CamelContext;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

/**
 * Whether work may start (bean {@code intake}).
 * <ul>
 * <li>{@link #open()}: a request may start while the bundle is not stopping (the rest of its input waits for the
 * next start). Asked once per record, so it is a plain method: the route expression
 * {@code ${camelContext.isStopping()}} builds and introspects a bean expression on the whole CamelContext at every
 * evaluation, which cost 15 % of the CPU of a file's first requests.</li>
 * <li>{@link #accept}: the inbox and SFTP pollers ({@code filter=#intake}) take a file only once the bundle has
 * started. Their first poll comes as their route starts, while the CamelContext is still starting, and an endpoint
 * a file needs then (the CSV parser behind {@code toD dataformat:csv}) is only started with the context: a file
 * already waiting at start went to the error folder with a NullPointerException from the parser.</li>
 * </ul>
 */
public class Intake implements GenericFileFilter<Object> {

    private final CamelContext context;

    public Intake(CamelContext context) {
        this.context = context;
    }

    /** True while the bundle is not stopping. */
    public boolean open() {
        return !context.isStopping();
    }

    /** Files are taken once the bundle has started; until then the next poll looks again. */
    @Override
    public boolean accept(GenericFile<Object> file) {
        return context.isStarted();
    }
}
